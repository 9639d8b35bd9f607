// sd_notify over a real AF_UNIX datagram socket (socat plays the service manager).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sdNotify } from "../../src/sys/sd-notify.ts";
import { waitFor } from "../helpers/wait.ts";

/** Every folder this file makes, removed at the end. */
const tmp = mkdtempSync(join(tmpdir(), "cg-sd-notify-"));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

test("READY=1 reaches a listening notify socket as one datagram", async () => {
  const sock = join(tmp, "notify");
  const p = Bun.spawn(["socat", "-u", `UNIX-RECV:${sock}`, "STDOUT"], { stdout: "pipe" });
  try {
    await waitFor(() => existsSync(sock), 3000, "the socket");
    assert.is(sdNotify("READY=1\nSTATUS=ACTIVE", sock), null);
    const reader = p.stdout.getReader();
    const { value } = await reader.read();
    assert.is(new TextDecoder().decode(value), "READY=1\nSTATUS=ACTIVE");
  } finally {
    p.kill();
    await p.exited;
  }
});

test("without NOTIFY_SOCKET nothing is sent and nothing fails; a missing socket is reported", () => {
  assert.is(sdNotify("READY=1", undefined), null);
  assert.match(String(sdNotify("READY=1", "/nonexistent/notify")), /sendto \/nonexistent\/notify failed: errno 2/);
});

test.run();
