// The local management socket: private parent directory, no second server, stale files replaced, mode 0600 verified.
import { chmodSync, existsSync, lstatSync, mkdirSync, statSync, unlinkSync } from "node:fs";
import { dirname } from "node:path";
import type { UnixSocketListener } from "bun";
import { type ConnContext, socketHandlers, type SockData } from "./connection.ts";

/** A bound socket and the inode it got, so that stop() never removes a successor's socket. */
export interface UnixEndpoint {
  listener: UnixSocketListener<SockData>;
  ino: number;
}

/**
 * Make the path usable: create the parent (0700) if missing, refuse a live server or a non-socket, remove a stale
 * socket.
 */
export async function prepareUnixPath(path: string, ctx: ConnContext): Promise<void> {
  const dir = dirname(path);
  try {
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new Error(
      `cannot create the socket directory ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): check management.socket`,
    );
  }
  const p = await probeUnix(path);
  switch (p.kind) {
    case "absent":
      return;
    case "answering":
      throw new Error(
        `another server is already answering on ${path}: is clusterguard-agent running twice? Refusing to start a second one`,
      );
    case "not-a-socket":
      throw new Error(
        `${path} exists and is not a socket; expected nothing there (or a stale socket): remove it or set management.socket`,
      );
    case "unknown":
      throw new Error(`cannot tell whether a server answers on ${path} (${p.code}); refusing to remove it`);
    case "stale":
      unlinkSync(path);
      ctx.log.emit("notice", "mgmt-stale-socket", `removed stale socket ${path} (nothing answered on it)`, { path });
  }
}

/** Binds a listener on a path (Bun.listen; tests wrap it to look at the file the moment it exists). */
export type UnixBinder = (path: string, ctx: ConnContext) => UnixSocketListener<SockData>;

/** Bun.listen on `path`. */
export const bindUnix: UnixBinder = (path, ctx) => Bun.listen<SockData>({ unix: path, socket: socketHandlers(ctx) });

/** The umask while binding: the socket file is born 0600, never connectable by others even for a moment. */
export const BIND_UMASK = 0o177;

/**
 * Bind `path` under umask 0177 (its directory may be /run/clusterguard, made 0755 in the initrd), then chmod
 * 0600 and verify it took (root-only access is the Unix socket's whole authorisation).
 */
export function listenUnix(path: string, ctx: ConnContext, bind: UnixBinder = bindUnix): UnixEndpoint {
  let listener: UnixSocketListener<SockData>;
  const umask = process.umask(BIND_UMASK);
  try {
    listener = bind(path, ctx);
  } catch (e) {
    throw new Error(
      `cannot listen on ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): check management.socket and its directory`,
    );
  } finally {
    process.umask(umask);
  }
  try {
    chmodSync(path, 0o600);
    const st = statSync(path);
    if (!st.isSocket() || (st.mode & 0o777) !== 0o600) {
      throw new Error(`${path} has mode 0${(st.mode & 0o777).toString(8)} after chmod 0600`);
    }
    return { listener, ino: st.ino };
  } catch (e) {
    listener.stop(true);
    throw new Error(`cannot secure the management socket: ${(e as Error).message}`);
  }
}

/** Stop listening and remove the socket file if it is still the one we bound. */
export function closeUnix(path: string, ep: UnixEndpoint): void {
  ep.listener.stop(true);
  try {
    if (statSync(path).ino === ep.ino) unlinkSync(path);
  } catch {
    // Already gone (Bun removes it on stop): nothing to clean.
  }
}

// Is anything answering on a Unix socket path? Decides between starting, replacing a stale file, and refusing.

/**
 * What is at the path: nothing, a socket nobody listens on, a live server, something else, or a socket we could not
 * judge.
 */
export type Probe =
  | { kind: "absent" }
  | { kind: "stale" }
  | { kind: "answering" }
  | { kind: "not-a-socket" }
  | { kind: "unknown"; code: string };

/** Look at `path` and, if it is a socket, try to connect to it. */
export async function probeUnix(path: string): Promise<Probe> {
  try {
    if (!lstatSync(path).isSocket()) return { kind: "not-a-socket" };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "EIO";
    return code === "ENOENT" ? { kind: "absent" } : { kind: "unknown", code };
  }
  try {
    const s = await Bun.connect({ unix: path, socket: { data() {} } });
    s.end();
    return { kind: "answering" };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "EIO";
    if (code === "ECONNREFUSED") return { kind: "stale" };
    if (code === "ENOENT") return { kind: "absent" };
    return { kind: "unknown", code };
  }
}
