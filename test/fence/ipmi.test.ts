// The IPMI fence device against a fake ipmitool that keeps the chassis power in a file, like a BMC would.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IpmiFence, ipmitoolArgs } from "../../src/fence/ipmi.ts";

// Modes: auth (session refused; first the warning ipmitool prints where /usr/share/misc has no enterprise numbers, as
// in the initrd), hang (never answers), stuck (power off never takes), no-on (power on fails),
// refuse-off (power off is refused on a chassis that is already off). Status reads "on" for STATUS_ON_POLLS polls after an off.
const FAKE = `#!/bin/sh
d=$(dirname "$0")
printf '%s|' "$@" >> "$d/argv"; echo >> "$d/argv"
echo $$ > "$d/pid"
mode=$(cat "$d/mode")
case "$mode" in
  auth) echo "IANA PEN registry open failed: No such file or directory" >&2
        echo "Error: Unable to establish IPMI v2 / RMCP+ session" >&2; exit 1;;
  hang) exec sleep 60;;
esac
for cmd; do :; done
power=$(cat "$d/power")
case "$cmd" in
  off)
    if [ "$mode" = refuse-off ] && [ "$power" = off ]; then echo "Set Chassis Power Control to Down/Off failed: Command not supported in present state" >&2; exit 1; fi
    [ "$mode" = stuck ] || echo "going $(cat "$d/status-on-polls")" > "$d/power"
    echo "Chassis Power Control: Down/Off";;
  on)
    if [ "$mode" = no-on ]; then echo "Set Chassis Power Control to Up/On failed: Node busy" >&2; exit 1; fi
    echo on > "$d/power"; echo "Chassis Power Control: Up/On";;
  status)
    case "$power" in
      "going 0") echo off > "$d/power"; echo "Chassis Power is off";;
      going*) echo "going $((\${power#going } - 1))" > "$d/power"; echo "Chassis Power is on";;
      *) echo "Chassis Power is $power";;
    esac;;
esac
`;

const dirs: string[] = [];
test.after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function fakeBmc(mode = "normal", initial = "on", statusOnPolls = 2) {
  const dir = mkdtempSync(join(tmpdir(), "cg-ipmi-"));
  dirs.push(dir);
  const bin = join(dir, "ipmitool");
  writeFileSync(bin, FAKE);
  chmodSync(bin, 0o755);
  writeFileSync(join(dir, "mode"), mode);
  writeFileSync(join(dir, "power"), initial);
  writeFileSync(join(dir, "status-on-polls"), String(statusOnPolls));
  const passwordFile = join(dir, "password");
  writeFileSync(passwordFile, "s3cret\n", { mode: 0o600 });
  const device = new IpmiFence({
    bin,
    host: "10.0.0.9",
    user: "admin",
    passwordFile,
    interface: "lanplus",
    pollMs: 20,
  });
  const calls = () =>
    readFileSync(join(dir, "argv"), "utf8")
      .trim()
      .split("\n")
      .map((l) => l.split("|").slice(0, -1));
  const power = () => readFileSync(join(dir, "power"), "utf8").trim();
  return { dir, device, passwordFile, calls, power };
}

const commands = (calls: string[][]) => calls.map((c) => c.slice(-1)[0]);

test("off runs ipmitool with interface, host, port, user and -f password file, and never puts the password on argv", async () => {
  const b = fakeBmc();
  const out = await b.device.fence("a", "off", AbortSignal.timeout(5000));
  assert.ok(out.confirmed, out.detail);
  assert.equal(b.calls()[0], [
    "-I",
    "lanplus",
    "-H",
    "10.0.0.9",
    "-p",
    "623",
    "-U",
    "admin",
    "-f",
    b.passwordFile,
    "chassis",
    "power",
    "off",
  ]);
  for (const c of b.calls()) assert.not.ok(c.join(" ").includes("s3cret"), `password on argv: ${c.join(" ")}`);
});

test("a configured port and cipher suite go to ipmitool as -p and -C", () => {
  const t = {
    bin: "ipmitool",
    host: "192.168.77.12",
    port: 16230,
    cipherSuite: 3,
    user: "admin",
    passwordFile: "/etc/pw",
    interface: "lanplus" as const,
  };
  assert.equal(
    ipmitoolArgs(t, "status").join(" "),
    "-I lanplus -C 3 -H 192.168.77.12 -p 16230 -U admin -f /etc/pw chassis power status",
  );
});

test("off is confirmed only after power status reads off, and reset then powers on", async () => {
  const off = fakeBmc("normal", "on", 2);
  const o = await off.device.fence("a", "off", AbortSignal.timeout(5000));
  assert.ok(o.confirmed, o.detail);
  assert.equal(commands(off.calls()), ["off", "status", "status", "status"]);
  assert.match(o.detail, /Chassis Power is off \(confirmed after 3 status polls\)/);
  assert.is(off.power(), "off");

  const reset = fakeBmc("normal", "on", 1);
  const r = await reset.device.fence("a", "reset", AbortSignal.timeout(5000));
  assert.ok(r.confirmed, r.detail);
  assert.equal(commands(reset.calls()), ["off", "status", "status", "on"]);
  assert.match(r.detail, /power on sent/);
  assert.is(reset.power(), "on");
});

test("a reset whose power on fails is still confirmed by the observed off, and says so", async () => {
  const b = fakeBmc("no-on", "on", 0);
  const r = await b.device.fence("a", "reset", AbortSignal.timeout(5000));
  assert.ok(r.confirmed, r.detail);
  assert.match(r.detail, /power on failed: .*Node busy/);
  assert.is(b.power(), "off");
});

test("a chassis already off whose BMC refuses power off is confirmed by its status", async () => {
  const b = fakeBmc("refuse-off", "off");
  const r = await b.device.fence("a", "off", AbortSignal.timeout(5000));
  assert.ok(r.confirmed, r.detail);
  assert.equal(commands(b.calls()), ["off", "status", "status"]);
});

test("an authentication failure is never a confirmation and carries ipmitool's message", async () => {
  const b = fakeBmc("auth");
  const r = await b.device.fence("a", "reset", AbortSignal.timeout(5000));
  assert.is(r.confirmed, false);
  assert.is(
    r.detail,
    "ipmitool chassis power off (10.0.0.9) failed (exit 1): Error: Unable to establish IPMI v2 / RMCP+ session",
  );
  const st = await b.device.status("a", AbortSignal.timeout(5000));
  assert.is(st.power, "unknown");
  assert.match(st.detail, /Unable to establish IPMI v2/);
});

test("a chassis that never turns off is not confirmed when the fence time runs out", async () => {
  const b = fakeBmc("stuck");
  const t0 = performance.now();
  const r = await b.device.fence("a", "reset", AbortSignal.timeout(400));
  assert.is(r.confirmed, false);
  assert.ok(performance.now() - t0 < 2000, "returned soon after the signal");
  assert.match(r.detail, /power off sent, not seen off before the fence time ran out .*last on: Chassis Power is on/);
  assert.not.ok(commands(b.calls()).includes("on"), "never powers on after an unconfirmed off");
});

test("a hung ipmitool is killed when the signal aborts", async () => {
  const b = fakeBmc("hang");
  // Abort once the fake is running (it wrote its pid), however slow the machine is to start it.
  const ctl = new AbortController();
  const pidFile = join(b.dir, "pid");
  const watch = setInterval(() => existsSync(pidFile) && ctl.abort(new Error("fence time ran out")), 20);
  const running = b.device.fence("a", "off", ctl.signal);
  while (!ctl.signal.aborted) await Bun.sleep(20);
  clearInterval(watch);
  const t0 = performance.now();
  const r = await running;
  assert.is(r.confirmed, false);
  assert.ok(performance.now() - t0 < 2500, `returned ${performance.now() - t0} ms after the abort`);
  assert.match(r.detail, /timed out: killed when the fence time ran out/);
  const pid = Number(readFileSync(join(b.dir, "pid"), "utf8"));
  assert.throws(() => process.kill(pid, 0), /ESRCH/, `ipmitool (pid ${pid}) still running`);
});

test("a missing ipmitool is named in the detail, and status reads the chassis power", async () => {
  const gone = new IpmiFence({
    bin: "/nonexistent/ipmitool",
    host: "bmc",
    user: "admin",
    passwordFile: fakeBmc("normal", "on").passwordFile,
    interface: "lan",
  });
  const r = await gone.fence("a", "off", AbortSignal.timeout(2000));
  assert.is(r.confirmed, false);
  assert.match(r.detail, /ipmitool not found or not executable at \/nonexistent\/ipmitool/);
  const on = await fakeBmc("normal", "on").device.status("a", AbortSignal.timeout(2000));
  assert.equal(on, { power: "on", detail: "Chassis Power is on" });
  const off = await fakeBmc("normal", "off").device.status("a", AbortSignal.timeout(2000));
  assert.is(off.power, "off");
});

test.run();
