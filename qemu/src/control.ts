// The `lab` command's side of the daemon's control socket: one JSON request, one JSON answer.
import { existsSync } from "node:fs";
import { CONTROL } from "./paths.ts";

/** Send one request to the running lab daemon. */
export async function ask<T = Record<string, unknown>>(req: Record<string, unknown>, timeoutMs = 30000): Promise<T> {
  if (!existsSync(CONTROL)) throw new Error("the lab is not up (run: qemu/lab up)");
  return new Promise<T>((resolve, reject) => {
    let buf = "";
    // One decoder for the whole answer: a character split across two chunks stays whole.
    const dec = new TextDecoder();
    const timer = setTimeout(
      () => reject(new Error(`the lab daemon did not answer ${JSON.stringify(req)} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    void Bun.connect({
      unix: CONTROL,
      socket: {
        open: (s) => void s.write(`${JSON.stringify(req)}\n`),
        data: (_s, c) => void (buf += dec.decode(c, { stream: true })),
        close: () => {
          clearTimeout(timer);
          try {
            resolve(JSON.parse(buf) as T);
          } catch {
            reject(new Error(`bad answer from the lab daemon: ${buf}`));
          }
        },
        error: (_s, e) => reject(e),
      },
    }).catch(reject);
  });
}
