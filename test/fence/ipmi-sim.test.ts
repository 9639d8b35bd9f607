// The IPMI fence level against a real BMC: OpenIPMI's ipmi_sim on 127.0.0.1 and a free UDP port, driven by the real
// ipmitool, built from a config level exactly as the guard builds it. The BMC's "machine" is a process that power
// on starts and power off kills, so every confirmation is checked against something that really stopped.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadConfigText, formatConfigError } from "../../src/config/index.ts";
import type { FenceContext, FenceDevice } from "../../src/fence/device.ts";
import { IpmiFence } from "../../src/fence/ipmi.ts";
import { fenceDevicesFrom, runFence } from "../../src/fence/runner.ts";
import { freeUdpPort, type IpmiSim, ipmiSimUnavailable, startIpmiSim } from "../helpers/ipmi-sim.ts";
import { waitFor } from "../helpers/wait.ts";

const unavailable = ipmiSimUnavailable();
if (unavailable !== null) console.log(`  (ipmi-sim: skipped, no real BMC here: ${unavailable})`);
const real = (name: string, fn: () => Promise<void>) =>
  test(name, async () => (unavailable === null ? fn() : undefined));

const sims: IpmiSim[] = [];
test.after(() => {
  for (const s of sims) s.stop();
});

async function bmc(poweredOn: boolean): Promise<IpmiSim> {
  const s = await startIpmiSim({ poweredOn });
  sims.push(s);
  return s;
}

/** The device the guard would build from this [[fencing.level]] (fenceDevicesFrom, as bootstrap does). */
function levelDevice(s: IpmiSim, more = "", passwordFile = s.passwordFile): FenceDevice {
  const text = `[cluster]\nname = "t"\n[[node]]\nname = "a"\naddress = "10.0.0.1"\n[[node]]\nname = "b"\naddress = "10.0.0.2"
[[fencing.level]]
type = "ipmi"
host = "${s.host}"
port = ${s.port}
user = "${s.user}"
password_file = "${passwordFile}"
${more}
`;
  const r = loadConfigText(text, "t.toml");
  if (!r.ok) throw new Error(r.errors.map(formatConfigError).join("\n"));
  const devices = fenceDevicesFrom(r.config.fencing.level, {} as FenceContext, r.config.timers.deadtime);
  assert.is(devices.length, 1);
  return devices[0]!;
}

real(
  "power off through lanplus stops the machine, is confirmed by status, and a reset powers it on again",
  async () => {
    const s = await bmc(true);
    const before = s.machine();
    assert.ok(before !== null, "the machine runs at start");
    const device = levelDevice(s, "cipher_suite = 3");
    assert.equal(await device.status("b", AbortSignal.timeout(10_000)), { power: "on", detail: "Chassis Power is on" });

    const off = await runFence([device], "b", "off", 20_000);
    assert.ok(off.ok, off.detail);
    assert.match(off.detail, new RegExp(`^${s.host}: Chassis Power is off \\(confirmed after \\d+ status polls\\)$`));
    await waitFor(() => s.machine() === null, 5000, "the machine process to be gone");
    assert.is((await device.status("b", AbortSignal.timeout(10_000))).power, "off");

    // A reset of a machine already off: power off again (ipmi_sim accepts it), off is seen, then power on.
    const reset = await runFence([device], "b", "reset", 20_000);
    assert.ok(reset.ok, reset.detail);
    assert.match(reset.detail, /; power on sent$/);
    await waitFor(() => s.machine() !== null, 5000, "the machine to run again");
    assert.is.not(s.machine(), before, "a new machine process");
    assert.is((await device.status("b", AbortSignal.timeout(10_000))).power, "on");
  },
);

real("IPMI 1.5 (interface = lan) powers the machine off as well", async () => {
  const s = await bmc(true);
  const out = await runFence([levelDevice(s, 'interface = "lan"')], "b", "off", 20_000);
  assert.ok(out.ok, out.detail);
  await waitFor(() => s.machine() === null, 5000, "the machine process to be gone");
});

real("a wrong password is a failure with ipmitool's words, never a confirmation; the machine runs on", async () => {
  const s = await bmc(true);
  const device = levelDevice(s, "cipher_suite = 3", s.wrongPasswordFile);
  const out = await runFence([device], "b", "off", 20_000);
  assert.is(out.ok, false);
  assert.match(
    out.detail,
    new RegExp(
      `^ipmi: ipmitool chassis power off \\(${s.host}\\) failed \\(exit 1\\): .*Unable to establish IPMI v2 / RMCP\\+ session`,
    ),
  );
  const st = await device.status("b", AbortSignal.timeout(10_000));
  assert.is(st.power, "unknown");
  assert.ok(s.machine() !== null, "the machine still runs");
});

real("an unreachable BMC (nothing on the port) times out within the level's time and confirms nothing", async () => {
  const port = await freeUdpPort();
  const device = new IpmiFence({
    host: "127.0.0.1",
    port,
    cipherSuite: 3,
    user: "fence",
    passwordFile: (sims[0] ?? (await bmc(false))).passwordFile,
    interface: "lanplus",
  });
  const t0 = performance.now();
  const out = await device.fence("b", "off", AbortSignal.timeout(1500));
  const took = performance.now() - t0;
  assert.is(out.confirmed, false);
  assert.is(out.detail, "ipmitool chassis power off (127.0.0.1) timed out: killed when the fence time ran out");
  assert.ok(took >= 1400 && took < 4000, `returned ${Math.round(took)} ms after the start`);
  const left = Bun.spawnSync(["pgrep", "-f", `ipmitool .*-p ${port} `])
    .stdout.toString()
    .trim();
  assert.is(left, "", "no ipmitool left running");
  // Through the runner, the level's time limit ends it the same way and the next level would run.
  const r = await runFence([device], "b", "off", 1000);
  assert.is(r.ok, false);
  assert.is(r.detail, "ipmi: no answer within 1000 ms");
});

test.run();
