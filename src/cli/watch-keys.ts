// The watch screen's single-key menu as a pure state machine: key in, next state, an action to run or a message out.
import type { StatusReport } from "../agent/report.ts";

/** Something the operator confirmed. */
export type WatchAction = { op: "takeover" } | { op: "standby" } | { op: "fence"; target: string } | { op: "pause" | "resume"; name: string };

/** Where the menu is: the main line, choosing an agent, or waiting for y/N. */
export type MenuState = { mode: "menu" } | { mode: "pick"; verb: "pause" | "resume"; names: string[] } | { mode: "confirm"; action: WatchAction };

/** What a key did. */
export interface KeyResult {
  state: MenuState;
  run?: WatchAction;
  quit?: boolean;
  message?: string;
}

/** The main menu line (ASCII, under 80 columns). */
export const MENU = "[t]akeover [s]tandby [f]ence peer [p]ause/[r]esume agent [q]uit";
const MENU_STATE: MenuState = { mode: "menu" };
const CTRL_C = "\x03";
const CTRL_D = "\x04";

/**
 * Apply one key; `report` is the last status shown (needed for the peer's and the agents' names). While an
 * action is `busy` waiting for the agent, only q, Ctrl-C and Ctrl-D do anything: they leave (the action goes on).
 */
export function onKey(state: MenuState, key: string, report: StatusReport | null, busy = false): KeyResult {
  if (key === CTRL_C || key === CTRL_D) return { state: MENU_STATE, quit: true };
  if (busy) return key === "q" || key === "Q" ? { state, quit: true } : { state };
  if (state.mode === "confirm") {
    return key === "y" || key === "Y" ? { state: MENU_STATE, run: state.action } : { state: MENU_STATE, message: "cancelled" };
  }
  if (state.mode === "pick") {
    const name = /^[1-9]$/.test(key) ? state.names[Number(key) - 1] : undefined;
    return name === undefined ? { state: MENU_STATE, message: "cancelled" } : { state: { mode: "confirm", action: { op: state.verb, name } } };
  }
  switch (key) {
    case "q":
    case "Q":
      return { state, quit: true };
    case "t":
      return { state: { mode: "confirm", action: { op: "takeover" } } };
    case "s":
      return { state: { mode: "confirm", action: { op: "standby" } } };
    case "f":
      if (report === null) return { state, message: "no status yet: the peer's name is not known" };
      return { state: { mode: "confirm", action: { op: "fence", target: report.peer.name } } };
    case "p":
    case "r": {
      const names = (report?.agents ?? []).map((a) => a.name).slice(0, 9);
      if (names.length === 0) return { state, message: "no service monitoring agents to choose from" };
      return { state: { mode: "pick", verb: key === "p" ? "pause" : "resume", names } };
    }
    default:
      return { state };
  }
}

/** The bottom line for a state. */
export function prompt(state: MenuState): string {
  if (state.mode === "menu") return MENU;
  if (state.mode === "pick") {
    const verb = state.verb === "pause" ? "Pause" : "Resume";
    return `${verb} which agent? ${state.names.map((n, i) => `${i + 1}) ${n}`).join(" ")} (other key cancels)`;
  }
  const a = state.action;
  switch (a.op) {
    case "takeover":
      return "Take over: make THIS node ACTIVE? [y/N]";
    case "standby":
      return "Standby: hand this node's services over to the peer? [y/N]";
    case "fence":
      return `FENCE ${a.target} now (reset or power off)? [y/N]`;
    default:
      return `${a.op === "pause" ? "Pause" : "Resume"} agent ${a.name}? [y/N]`;
  }
}
