// Connect to one of a VM's chardev sockets (a serial cable's end, the initrd console): QEMU creates it as it starts.
import { existsSync } from "node:fs";

export type Conn = Awaited<ReturnType<typeof Bun.connect>>;

/** Wait up to 5 s for `path` to appear, then connect; `data` gets every chunk, `close` the end of the connection. */
export async function connectChardev(
  path: string,
  on: { data: (chunk: Buffer) => void; close: () => void },
): Promise<Conn> {
  for (let i = 0; i < 100 && !existsSync(path); i++) await Bun.sleep(50);
  return Bun.connect({
    unix: path,
    socket: { data: (_s, chunk) => on.data(chunk), close: () => on.close(), error: () => {} },
  });
}
