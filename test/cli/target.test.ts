// Choosing the agent to talk to: --socket, --connect with token and CA, or the config's management.socket.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { where } from "../../src/mgmt/client.ts";
import { DEFAULT_SOCKET, resolveTarget } from "../../src/cli/target.ts";
import { tempDir } from "../mgmt/helpers.ts";

const MINIMAL = resolve(import.meta.dir, "../fixtures/config/minimal.toml");
const dir = tempDir("cg-target-");
test.after(() => rmSync(dir, { recursive: true, force: true }));
const token = join(dir, "token");
writeFileSync(token, "  the-token-value-123 \n");
const ca = join(dir, "ca.pem");
writeFileSync(ca, "-----BEGIN CERTIFICATE-----\n");

test("the default socket matches management.socket's default in the schema", () => {
  const r = resolveTarget({ config: MINIMAL });
  assert.equal(r, { ok: true, target: { kind: "unix", path: DEFAULT_SOCKET }, warnings: [] });
});

test("--socket wins and reads no file at all", () => {
  assert.equal(resolveTarget({ socket: "/tmp/x.sock", config: "/nonexistent" }), {
    ok: true,
    target: { kind: "unix", path: "/tmp/x.sock" },
    warnings: [],
  });
});

test("a broken or missing non-default config falls back to the default socket with a warning", () => {
  const bad = join(dir, "bad.toml");
  writeFileSync(bad, "[cluster\n");
  const r = resolveTarget({ config: bad });
  assert.ok(r.ok && r.target.kind === "unix" && r.target.path === DEFAULT_SOCKET);
  assert.match(r.ok ? (r.warnings[0] ?? "") : "", `cannot take management.socket from ${bad}`);
  const missing = resolveTarget({ config: join(dir, "none.toml") });
  assert.is(missing.ok && missing.warnings.length, 1);
});

test("--connect reads the token (trimmed) and the CA, and splits host and port, IPv6 too", () => {
  assert.equal(resolveTarget({ connect: "node-a:7410", "token-file": token, ca }), {
    ok: true,
    target: {
      kind: "tcp",
      host: "node-a",
      port: 7410,
      token: "the-token-value-123",
      ca: "-----BEGIN CERTIFICATE-----\n",
      insecure: false,
    },
    warnings: [],
  });
  const v6 = resolveTarget({ connect: "[fd00::1]:7410", "token-file": token, insecure: true });
  assert.ok(v6.ok && v6.target.kind === "tcp" && v6.target.host === "fd00::1" && v6.target.insecure);
  assert.is(v6.ok ? where(v6.target) : "", "[fd00::1]:7410");
});

test("inconsistent connection options are usage errors that say what to give", () => {
  const err = (a: Parameters<typeof resolveTarget>[0]) => {
    const r = resolveTarget(a);
    return r.ok ? "" : r.error;
  };
  assert.match(err({ connect: "h:1" }), "--connect needs --token-file FILE");
  assert.match(err({ connect: "h", "token-file": token }), 'expected "host:port"');
  assert.match(err({ connect: "h:1", "token-file": token, socket: "/s" }), "either --socket or --connect");
  assert.match(err({ connect: "h:1", "token-file": token, ca, insecure: true }), "either --ca FILE or --insecure");
  assert.match(err({ connect: "h:1", "token-file": join(dir, "none") }), "--token-file");
  assert.match(err({ connect: "h:1", "token-file": token, ca: join(dir, "none") }), /--ca .*ENOENT/);
  assert.match(err({ socket: "/s", "token-file": token }), "--token-file only applies with --connect");
  const empty = join(dir, "empty");
  writeFileSync(empty, "\n");
  assert.match(err({ connect: "h:1", "token-file": empty }), "the file is empty");
});

test.run();
