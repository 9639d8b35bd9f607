// Whether the serial heartbeat port is also a console of this machine's UEFI firmware. The firmware reads its consoles
// (EFI variable ConIn) as the keyboard, and so do the boot loaders it starts (systemd-boot; GRUB on EFI). While this
// machine reboots, the peer's guard keeps sending heartbeat frames down the cable: their bytes arrive as keystrokes at
// the firmware and at the boot menu, where they stop the countdown, move the selection, edit the command line, or
// (systemd-boot's `d` key) make another entry, one without the guard, this machine's default. OVMF makes COM1 and COM2
// consoles on every boot; server firmware does so for the port its console redirection names. Seen in the lab: with
// the cable on COM2, one machine's firmware entered its setup and the other booted with the peer's firmware text typed
// into its kernel command line.
//
// The variables hold EFI device paths. A legacy serial port is ACPI(PNP0501, UID n) followed by a UART node; Linux
// names the port with UID n ttyS n (COM1 = ttyS0), as OVMF numbers them; firmware whose ACPI UIDs count from 1 would
// be misread. A port on a PCI serial card (or a BMC's serial-over-LAN UART on PCI) has no such node and is not matched.
import { existsSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { EFIVARS } from "../boot/efi-default.ts";

/** The UEFI specification's global variable GUID (ConIn, ConOut, ErrOut). */
export const EFI_GLOBAL_GUID = "8be4df61-93ca-11d2-aa0d-00e098032b8c";
/** EISA ID of PNP0501, the 16550 serial port, as an ACPI device path node stores it. */
const PNP0501 = 0x050141d0;

/** The legacy serial ports (UIDs: 0 is COM1) named by a device path list, in the order found. */
export function serialPortsIn(paths: Uint8Array): number[] {
  const ports: number[] = [];
  const view = new DataView(paths.buffer, paths.byteOffset, paths.byteLength);
  let uid: number | null = null;
  for (let at = 0; at + 4 <= paths.length; ) {
    const type = view.getUint8(at);
    const sub = view.getUint8(at + 1);
    const len = view.getUint16(at + 2, true);
    if (len < 4 || at + len > paths.length) break; // malformed: stop rather than guess
    if (type === 0x02 && sub === 0x01 && len >= 12 && view.getUint32(at + 4, true) === PNP0501)
      uid = view.getUint32(at + 8, true);
    else if (type === 0x03 && sub === 0x0e && uid !== null && !ports.includes(uid)) ports.push(uid);
    else if (type === 0x7f) uid = null; // the end of one device path (0x01) or of the list (0xff)
    at += len;
  }
  return ports;
}

/**
 * The legacy port number of a serial device: 1 for `/dev/ttyS1`, for a link to it, or for any node with its device
 * number (major 4, minor 64 + n); null for any other device.
 */
export function legacyPort(device: string): number | null {
  try {
    const rdev = statSync(device).rdev;
    const major = (rdev >> 8) & 0xfff;
    const minor = (rdev & 0xff) | ((rdev >> 12) & 0xfff00);
    if (major === 4 && minor >= 64) return minor - 64;
    if (rdev !== 0) return null;
  } catch {
    // not there (yet): judged by its name, or its link's
  }
  let name = basename(device);
  try {
    name = basename(readlinkSync(device));
  } catch {
    // no link
  }
  const m = /^ttyS(\d+)$/.exec(name);
  return m ? Number(m[1]) : null;
}

/**
 * Mount efivarfs where the initrd has not (dracut's shell initrd, initramfs-tools): on a machine booted by UEFI, the
 * variables this check reads are there only then. Nothing on a BIOS boot; a failure leaves the check without them.
 */
export function ensureEfivars(efivars = EFIVARS): void {
  if (!existsSync("/sys/firmware/efi") || existsSync(join(efivars, `ConIn-${EFI_GLOBAL_GUID}`))) return;
  Bun.spawnSync(["mount", "-t", "efivarfs", "efivarfs", efivars], { stdout: "ignore", stderr: "ignore" });
}

/**
 * Why `device` must not carry heartbeats on this machine, or null: it is a port the firmware reads as a console
 * (ConIn). `efivars` is efivarfs (a test passes a folder); no efivarfs (BIOS boot) says nothing.
 */
export function consoleHazard(device: string, efivars = EFIVARS): string | null {
  const port = legacyPort(device);
  if (port === null) return null;
  let conIn: Uint8Array;
  try {
    conIn = readFileSync(join(efivars, `ConIn-${EFI_GLOBAL_GUID}`)).subarray(4);
  } catch {
    return null;
  }
  if (!serialPortsIn(conIn).includes(port)) return null;
  const com = `COM${port + 1}`;
  return `${device} (${com}) is a console of this machine's firmware (EFI variable ConIn names it): while this machine reboots, the peer's heartbeat frames arrive there as keystrokes at the firmware and the boot menu, which can stop the countdown, pick or edit another entry, or make an entry without the guard this machine's default. Turn off the firmware's console redirection on ${com}, or cable the heartbeat to a port the firmware does not use (OVMF always uses COM1 and COM2: take COM3 or COM4)`;
}
