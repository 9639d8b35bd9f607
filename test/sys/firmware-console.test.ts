// The serial heartbeat port must not be a console of the machine's UEFI firmware (src/sys/firmware-console.ts): the
// peer's frames would be typed into this machine's firmware and boot menu while it reboots. ConIn as OVMF writes it
// (captured from an OVMF VM of the lab with two serial ports: COM1 and COM2, each PciRoot/Pci(1,0)/Acpi(PNP0501,uid)/
// Uart/VenPcAnsi), read from a fake efivarfs folder; and the guard refusing such a port as a configuration error.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { checkConfig } from "../../src/cli/config.ts";
import { withAuthkey } from "../../src/cli/load-both.ts";
import { loadConfig, loadConfigText, writeAuthkey } from "../../src/config/index.ts";
import { resolveNode } from "../../src/node/bootstrap.ts";
import { parseKernelArgs } from "../../src/node/kernel-args.ts";
import { consoleHazard, EFI_GLOBAL_GUID, legacyPort, serialPortsIn } from "../../src/sys/firmware-console.ts";
import { OVMF_CONIN } from "../fixtures/efi/ovmf-conin.ts";

const conIn = Buffer.from(OVMF_CONIN.replace(/\s+/g, ""), "hex");
/** Every folder this file makes, removed at the end. */
const root = mkdtempSync(join(tmpdir(), "cg-firmware-console-"));
test.after(() => rmSync(root, { recursive: true, force: true }));

function efivars(value: Buffer | null): string {
  const dir = mkdtempSync(join(root, "efivars-"));
  if (value) writeFileSync(join(dir, `ConIn-${EFI_GLOBAL_GUID}`), Buffer.concat([Buffer.from([6, 0, 0, 0]), value]));
  return dir;
}

test("OVMF's ConIn names COM1 and COM2 (UIDs 0 and 1), each once", () => {
  assert.equal(serialPortsIn(conIn), [0, 1]);
});

test("device paths without a 16550 port, or malformed, name no port and never throw", () => {
  // A USB keyboard: PciRoot(0)/Pci(1,2)/USB(0,0), end.
  const usb = Buffer.from("02010c00d041030a0000000001010600020103050600000000" + "7fff0400", "hex");
  assert.equal(serialPortsIn(usb), []);
  assert.equal(serialPortsIn(Buffer.from("02010000ffff", "hex")), [], "a node of length 0");
  assert.equal(serialPortsIn(conIn.subarray(0, 17)), [], "cut in the middle of a node");
  assert.equal(serialPortsIn(new Uint8Array()), []);
});

test("the port of a serial device, through a link too; anything else is no legacy port", () => {
  const dir = mkdtempSync(join(root, "tty-"));
  symlinkSync("/dev/ttyS1", join(dir, "heartbeat"));
  assert.is(legacyPort("/dev/ttyS1"), 1);
  assert.is(legacyPort("/dev/ttyS3"), 3);
  assert.is(legacyPort(join(dir, "heartbeat")), 1);
  assert.is(legacyPort("/dev/ttyUSB0"), null);
  assert.is(legacyPort("/dev/pts/4"), null);
  // By device number, whatever the name: ttyS2 is major 4, minor 66.
  const node = join(dir, "heartbeat-node");
  assert.is(Bun.spawnSync(["mknod", node, "c", "4", "66"]).exitCode, 0);
  assert.is(legacyPort(node), 2);
  const other = join(dir, "usb-node");
  assert.is(Bun.spawnSync(["mknod", other, "c", "188", "0"]).exitCode, 0);
  assert.is(legacyPort(other), null, "a USB serial adapter (ttyUSB0) is no legacy port");
});

test("ttyS1 under OVMF is refused with the cause and the remedy; ttyS3, no ConIn or no efivarfs pass", () => {
  const ovmf = efivars(conIn);
  const why = consoleHazard("/dev/ttyS1", ovmf);
  assert.ok(why);
  assert.match(
    why ?? "",
    /^\/dev\/ttyS1 \(COM2\) is a console of this machine's firmware \(EFI variable ConIn names it\)/,
  );
  assert.match(why ?? "", /Turn off the firmware's console redirection on COM2, or cable the heartbeat to a port/);
  assert.is(consoleHazard("/dev/ttyS3", ovmf), null);
  assert.is(consoleHazard("/dev/ttyS1", efivars(null)), null);
  assert.is(consoleHazard("/dev/ttyS1", join(ovmf, "absent")), null);
});

test("the guard refuses such a port as a configuration error; host mode (ptys on a test box) is not asked", () => {
  const loaded = loadConfig(resolve(import.meta.dir, "../fixtures/config/good.toml"));
  if (!loaded.ok) throw new Error("fixture");
  const key = new Uint8Array(32);
  const cli = { hostMode: false, realtime: false, links: {} };
  const asked: string[] = [];
  const hazard = (d: string) => {
    asked.push(d);
    return consoleHazard(d, efivars(conIn));
  };
  const facts = () => ({ uuid: null, macs: [] });
  const r = resolveNode(loaded.config, key, parseKernelArgs("rd.clusterguard.node=a"), cli, facts, hazard);
  assert.not.ok(r.ok);
  if (!r.ok) {
    assert.is(r.error.key, "channels.serial.device");
    assert.is(r.error.value, loaded.config.channels.serial.device);
    assert.match(r.error.problem ?? "", "is a console of this machine's firmware");
  }
  const moved = resolveNode(
    loaded.config,
    key,
    parseKernelArgs("rd.clusterguard.node=a"),
    { ...cli, links: { serialDevice: "/dev/ttyS3" } },
    facts,
    hazard,
  );
  assert.ok(moved.ok, "COM4 is no console of OVMF");
  const host = resolveNode(
    loaded.config,
    key,
    parseKernelArgs(""),
    { ...cli, hostMode: true, node: "a" },
    facts,
    hazard,
  );
  assert.ok(host.ok);
  assert.equal(asked, [loaded.config.channels.serial.device, "/dev/ttyS3"]);
});

test("config check warns at the device's line: the firmware's reason, and that the guard refuses it here", () => {
  const fixture = resolve(import.meta.dir, "../fixtures/config/good.toml");
  const authkey = join(root, "authkey");
  writeAuthkey(authkey, { force: true });
  const check = (hazard: (d: string) => string | null) =>
    checkConfig(withAuthkey(loadConfigText(readFileSync(fixture, "utf8"), fixture), authkey), fixture, hazard);
  const r = check((d) => consoleHazard(d, efivars(conIn)));
  assert.ok(r.ok, "a warning, not an error: the check may run on another machine than the nodes");
  const w = r.warnings.filter((x) => x.includes("channels.serial.device"));
  assert.is(w.length, 1);
  assert.match(
    w[0]!,
    `${fixture}:27: channels.serial.device = "/dev/ttyS1": /dev/ttyS1 (COM2) is a console of this machine's firmware`,
  );
  assert.match(w[0]!, /; the guard refuses to start on this machine$/);
  assert.equal(
    check((d) => consoleHazard(d, efivars(null))).warnings.filter((x) => x.includes("channels.serial")),
    [],
  );
});

test.run();
