// Put a built and verified guard initrd in its place (/boot/initrd.img-KVER-clusterguard) without ever leaving a
// half-written one there: first check that the target's file system has room for the new image beside the old one
// (statfs), then write a new file in the same directory, flush it, rename it over the old one and flush the
// directory. A /boot too full (the classic outage of a kernel upgrade) fails before a byte is written, naming the
// path, the bytes needed and the bytes free, and the old image stays as it was, so the node still boots.
import { execa } from "execa";
import { randomBytes } from "node:crypto";
import { open, rename, rm, stat, statfs } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { freezePath, thawPath } from "../sys/freeze.ts";

/** Room kept beyond the image's own blocks (the file system's metadata for it, and a little to spare). */
export const ROOM_MARGIN = 1 << 20;

export interface Room {
  /** The image rounded up to whole blocks, plus ROOM_MARGIN. */
  needed: number;
  /** What the file system has free for ordinary writers (bavail: its reserve for root is left alone). */
  free: number;
  fits: boolean;
}

/** Whether an image of `size` bytes fits on a file system with these statfs figures. */
export function roomFor(size: number, fs: { bsize: number; bavail: number }): Room {
  const needed = Math.ceil(size / fs.bsize) * fs.bsize + ROOM_MARGIN;
  const free = fs.bavail * fs.bsize;
  return { needed, free, fits: needed <= free };
}

/** "74072328 bytes (70.6 MiB)". */
export function bytesText(n: number): string {
  return `${n} bytes (${(n / 2 ** 20).toFixed(1)} MiB)`;
}

export type InstallResult = { ok: true; bytes: number } | { ok: false; error: string };

/**
 * Copy the image at `from` to `to` (host paths) through a new file beside `to`, mode 0600 from the start (the image
 * holds the authkey); `shownAs` names `to` in messages (the path inside --root). Asynchronous throughout: the agent's
 * console runs this on its event loop.
 */
export async function installImage(from: string, to: string, shownAs: string): Promise<InstallResult> {
  const dir = dirname(to);
  const size = (await stat(from)).size;
  let fs: Awaited<ReturnType<typeof statfs>>;
  try {
    fs = await statfs(dir);
  } catch (e) {
    return { ok: false, error: `cannot write ${shownAs}: ${dirname(shownAs)}: ${(e as Error).message}` };
  }
  const room = roomFor(size, fs);
  if (!room.fits)
    return {
      ok: false,
      error: `not enough room for ${shownAs}: the new image needs ${bytesText(room.needed)} on the file system of ${dirname(shownAs)} (its size and a ${ROOM_MARGIN >> 20} MiB margin), and ${bytesText(room.free)} are free; nothing was written, the old image is unchanged. Make room (remove an old kernel, or grow ${dirname(shownAs)}) and run 'clusterguard initrd regenerate' again`,
    };
  const tmp = join(dir, `.${basename(to)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await copyFlushed(from, tmp);
    await rename(tmp, to);
  } catch (e) {
    await rm(tmp, { force: true });
    return {
      ok: false,
      error: `could not write ${shownAs}: ${(e as Error).message}; the old image is unchanged (${bytesText(room.free)} were free, ${bytesText(room.needed)} needed)`,
    };
  }
  const d = await open(dir, "r");
  try {
    await d.sync();
  } catch {
    // some file systems refuse fsync on a directory; the rename is done
  } finally {
    await d.close();
  }
  return { ok: true, bytes: size };
}

/**
 * Put the renamed image where a reader that does not replay the journal finds it: the peer's boot loader, reading
 * the shared disk this node has mounted (GRUB reads ext4 and XFS without their journals). After the fsyncs the new
 * image is durable, but its directory entry and inode may live only in the journal until a checkpoint, up to about
 * 30 s later: a peer rebooted at once would boot the old image (seen in the lab). fsfreeze checkpoints the journal
 * into place, and the thaw follows at once (writers wait for milliseconds). Only the journaled file systems a boot
 * loader reads need it: tmpfs, vfat, ext2 or an overlay (a container's root) have no journal to checkpoint, and
 * overlayfs cannot be frozen at all. Returns a warning, or null. Only for the system's own /boot: never freeze the
 * file system that holds a --root tree.
 */
const JOURNALED = new Set(["ext3", "ext4", "xfs", "btrfs", "jfs", "reiserfs", "f2fs"]);

export async function checkpoint(dir: string): Promise<string | null> {
  const mp = await execa("findmnt", ["-n", "-o", "TARGET,FSTYPE", "-T", dir], { reject: false, timeout: 10_000 });
  const [target, fstype] = mp.stdout.trim().split(/\s+/);
  if (mp.exitCode !== 0 || !target) return `cannot find the file system of ${dir}: ${mp.stderr.trim()}`;
  if (!JOURNALED.has(fstype ?? "")) return null;
  const frozen = await freezePath(target);
  const thawed = await thawPath(target);
  if (frozen !== null)
    return `${frozen}: the peer's boot loader may see the old image for about 30 s; wait that long before rebooting it`;
  if (thawed !== null) return `${thawed}: run it by hand now`;
  return null;
}

/** Copy `from` into a new file `to` (created exclusively, mode 0600) and flush it to the disk. */
async function copyFlushed(from: string, to: string): Promise<void> {
  const src = await open(from, "r");
  const dst = await open(to, "wx", 0o600);
  try {
    await dst.chmod(0o600);
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const { bytesRead } = await src.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      for (let done = 0; done < bytesRead; ) done += (await dst.write(buf, done, bytesRead - done)).bytesWritten;
    }
    await dst.sync();
  } finally {
    await dst.close();
    await src.close();
  }
}
