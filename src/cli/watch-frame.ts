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
  /** Prefix HOME_CLEAR (off for --once). */
  clear: boolean;
}

/** The frame as one string; every line ASCII and at most `width` columns, CRLF-terminated (raw-mode terminals do not add CR). */
export function renderFrame(f: FrameInput): string {
  const body = f.report === null ? ["(no status yet)"] : renderStatus(f.report);
  const lines = [
    f.header,
    "",
    ...body,
    "",
    ...(f.error === null ? [] : [`! ${f.error}${f.report === null ? "" : " (showing the last status received)"}`]),
    ...(f.message === "" ? [] : [`> ${f.message}`]),
    f.prompt,
  ];
  const width = Math.max(20, f.width);
  const text = lines.map((l) => clip(ascii(l), width)).join("\r\n");
  return `${f.clear ? HOME_CLEAR : ""}${text}\r\n`;
}
