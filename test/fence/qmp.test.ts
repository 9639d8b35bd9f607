// The QMP fence device against a real QEMU, through a pty standing in for the lab's virtio-serial fence port.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { closeSync, constants, existsSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { QmpFence } from "../../src/fence/qmp.ts";
import { waitFor } from "../helpers/wait.ts";

/** Every folder this file makes, removed at the end. */
const tmp = mkdtempSync(join(tmpdir(), "cg-qmp-"));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

async function qemuWithPort() {
  const dir = mkdtempSync(join(tmp, "vm-"));
  const qmp = join(dir, "qmp.sock");
  const port = join(dir, "fence-port");
  const vm = Bun.spawn(
    ["qemu-system-x86_64", "-machine", "none", "-display", "none", "-S", "-qmp", `unix:${qmp},server=on,wait=off`],
    { stdout: "ignore", stderr: "pipe" },
  );
  await waitFor(() => existsSync(qmp), 10000, "the QMP socket");
  const link = Bun.spawn(["socat", `pty,raw,echo=0,link=${port}`, `UNIX-CONNECT:${qmp}`], {
    stdout: "ignore",
    stderr: "ignore",
  });
  await waitFor(() => existsSync(port), 5000, "the pty");
  return {
    vm,
    port,
    async close() {
      link.kill();
      vm.kill();
      await Promise.all([link.exited, vm.exited]);
    },
  };
}

const signal = (ms: number) => AbortSignal.timeout(ms);

test("reset is confirmed by QMP's reply and the VM keeps running", async () => {
  const q = await qemuWithPort();
  try {
    const out = await new QmpFence({ device: q.port, action: "reset" }).fence("a", "reset", signal(5000));
    assert.ok(out.confirmed, out.detail);
    assert.match(out.detail, /system_reset confirmed by QMP/);
    assert.is(q.vm.exitCode, null);
    const again = await new QmpFence({ device: q.port, action: "reset" }).fence("a", "reset", signal(5000));
    assert.ok(again.confirmed, `a second fence on the same session: ${again.detail}`);
  } finally {
    await q.close();
  }
});

test("status reports a paused or running VM as on, and a dead port as unknown", async () => {
  const q = await qemuWithPort();
  try {
    const st = await new QmpFence({ device: q.port, action: "reset" }).status("a", signal(5000));
    assert.is(st.power, "on", st.detail);
    assert.match(st.detail, /QMP status prelaunch|QMP status paused/);
  } finally {
    await q.close();
  }
  const gone = await new QmpFence({ device: "/nonexistent/port", action: "reset" }).status("a", signal(300));
  assert.is(gone.power, "unknown");
});

test("off sends quit: confirmed, and the QEMU process ends", async () => {
  const q = await qemuWithPort();
  try {
    const out = await new QmpFence({ device: q.port, action: "off" }).fence("a", "off", signal(5000));
    assert.ok(out.confirmed, out.detail);
    await waitFor(() => q.vm.exitCode !== null, 5000, "QEMU to exit");
  } finally {
    await q.close();
  }
});

test("a missing device or a silent line is never a confirmation", async () => {
  const missing = await new QmpFence({ device: "/nonexistent/port", action: "reset" }).fence("a", "reset", signal(500));
  assert.is(missing.confirmed, false);
  assert.match(missing.detail, /cannot open \/nonexistent\/port/);
  const dir = mkdtempSync(join(tmp, "pty-"));
  const pair = Bun.spawn(["socat", `pty,raw,echo=0,link=${dir}/x`, `pty,raw,echo=0,link=${dir}/y`]);
  await waitFor(() => existsSync(`${dir}/x`), 5000, "pty");
  try {
    const silent = await new QmpFence({ device: `${dir}/x`, action: "reset" }).fence("a", "reset", signal(300));
    assert.is(silent.confirmed, false);
    assert.match(silent.detail, /no QMP answer/);
  } finally {
    pair.kill();
    await pair.exited;
  }
});

test("replies buffered from an earlier boot (same pid, same counter) are never taken for this session's answers", async () => {
  // initrd PIDs repeat across boots: ids made of pid and a counter alone matched a stale reply left in the port.
  const dir = mkdtempSync(join(tmp, "pty-"));
  const pair = Bun.spawn(["socat", `pty,raw,echo=0,link=${dir}/x`, `pty,raw,echo=0,link=${dir}/y`]);
  await waitFor(() => existsSync(`${dir}/x`) && existsSync(`${dir}/y`), 5000, "pty");
  const stale = (tag: string) =>
    Array.from(
      { length: 300 },
      (_, i) => `${JSON.stringify({ return: {}, id: `cg-${process.pid}-${i + 1}-${tag}` })}\n`,
    ).join("");
  const peer = openSync(`${dir}/y`, constants.O_RDWR | constants.O_NOCTTY);
  try {
    const out = new QmpFence({ device: `${dir}/x`, action: "reset" }).fence("a", "reset", signal(800));
    writeSync(peer, stale("cap"));
    await Bun.sleep(150);
    writeSync(peer, stale("cmd"));
    const r = await out;
    assert.is(r.confirmed, false, `a stale reply confirmed the fence: ${r.detail}`);
    assert.match(r.detail, /no QMP answer/);
  } finally {
    closeSync(peer);
    pair.kill();
    await pair.exited;
  }
});

test.run();
