// Poll a power device until it reads off: for the IPMI and Redfish agents, the observed off state is the confirmation.
import type { PowerState } from "./agent.ts";

/** Whether off was seen, the last answer, and how many status reads it took. */
export type OffResult = { off: true; detail: string; polls: number } | { off: false; detail: string; polls: number };

/** Ask `read` every `intervalMs` until it says off, or until `signal` aborts (then off is false, with the last answer). */
export async function awaitOff(read: (signal: AbortSignal) => Promise<PowerState>, intervalMs: number, signal: AbortSignal): Promise<OffResult> {
  let last = "never asked";
  let polls = 0;
  while (!signal.aborted) {
    const st = await read(signal);
    polls++;
    if (st.power === "off") return { off: true, detail: st.detail, polls };
    if (!signal.aborted) last = `${st.power}: ${st.detail}`;
    await pause(intervalMs, signal);
  }
  return { off: false, detail: `not seen off before the fence time ran out (${polls} polls, last ${last})`, polls };
}

/** Sleep `ms`, cut short when `signal` aborts; never rejects. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
