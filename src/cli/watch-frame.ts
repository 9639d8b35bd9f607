// One screen of `clusterguard watch`: header, the status (or why it is missing), a message line and the menu; pure.
import type { StatusReport } from "../agent/report.ts";
import { ascii, clip } from "./render-format.ts";
import { renderStatus } from "./render-status.ts";

/** ANSI cursor home + clear screen: understood by every VT100-compatible terminal, serial consoles included. */
export const HOME_CLEAR = "\x1b[H\x1b[2J";

/** What goes on one screen. */
export interface FrameInput {
  header: string;
  report: StatusReport | null;
  /** Why the last refresh failed, or null. */
  error: string | null;
  message: string;
  prompt: string;
  width: number;
  /** Rows available (Infinity: no limit, as for --once). */
  height?: number;
}

/**
 * The frame's lines: ASCII, at most `width` columns and `height` rows. A status too long for the rows is cut,
 * with a line saying how much is missing; the header, the error and message lines and the menu always stay.
 */
export function frameLines(f: FrameInput): string[] {
  const body = f.report === null ? ["(no status yet)"] : renderStatus(f.report);
  const notes = [...(f.error === null ? [] : [`! ${f.error}${f.report === null ? "" : " (showing the last status received)"}`]), ...(f.message === "" ? [] : [`> ${f.message}`])];
  const bottom = ["", ...notes, f.prompt];
  const height = f.height ?? Infinity;
  const room = height - 2 - bottom.length;
  let lines: string[];
  if (body.length <= room) lines = [f.header, "", ...body, ...bottom];
  else if (room >= 1) lines = [f.header, "", ...body.slice(0, room - 1), `... ${body.length - room + 1} more line(s): a taller terminal shows them, or clusterguard status`, ...bottom];
  else lines = [f.header, ...notes, f.prompt].slice(-Math.max(1, height));
  const width = Math.max(20, f.width);
  return lines.map((l) => clip(ascii(l), width));
}

/** The frame as one string, CRLF-terminated lines (raw-mode terminals do not add CR); `clear` prefixes HOME_CLEAR. */
export function renderFrame(f: FrameInput & { clear: boolean }): string {
  return `${f.clear ? HOME_CLEAR : ""}${frameLines(f).join("\r\n")}\r\n`;
}
