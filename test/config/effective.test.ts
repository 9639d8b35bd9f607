import { test } from "uvu";
import * as assert from "uvu/assert";
import { createHash } from "node:crypto";
import { renderEffective } from "../../src/config/effective.ts";
import { loadConfigText } from "../../src/config/load.ts";
import { BASE, configOf, fixture } from "./helpers.ts";

const SECRETS = `${BASE}
[[fencing.level]]
type = "ipmi"
host = "10.0.9.2"
user = "admin"
password_file = "/etc/clusterguard/ipmi.pw"

[management]
tcp_listen = "[::1]:7440"
token_file = "/etc/clusterguard/token"
tls_cert = "/etc/clusterguard/tls.crt"
tls_key = "/etc/clusterguard/tls.key"

[[monitor]]
name = "web"
plugin = "systemd"
params = { unit = "nginx.service", "odd \\"key\\"" = 'C:\\x', n = 1.5, on = true }
`;

/** Renders, re-parses and re-validates; returns the rendered text. */
function roundTrip(text: string): string {
  const config = configOf(text);
  const rendered = renderEffective(config, { authkey: new Uint8Array(40) });
  const again = loadConfigText(rendered, "rendered.toml");
  if (!again.ok)
    throw new Error(`rendered TOML did not validate:\n${rendered}\n${JSON.stringify(again.errors, null, 1)}`);
  assert.equal(again.config, config);
  return rendered;
}

test("the effective config shows the defaults the file left out", () => {
  const out = renderEffective(configOf(fixture("minimal.toml")));
  for (const line of [
    "keepalive = 200",
    "deadtime = 5000",
    "baud = 115200",
    "port = 694",
    "delay = 5000",
    'socket = "/run/clusterguard/clusterguard.sock"',
    "disk_slot = 1",
  ]) {
    assert.ok(out.includes(`\n${line}  #`), `missing ${line} in:\n${out}`);
  }
  assert.ok(out.includes("# no [[fencing.level]]"));
  assert.ok(out.includes("# interface: not set;"));
});

test("the authkey appears only as its length and a sha256 prefix", () => {
  const key = new TextEncoder().encode("s3cret-".repeat(10));
  const out = renderEffective(configOf(BASE), { authkey: key, authkeyPath: "/etc/clusterguard/authkey" });
  const prefix = createHash("sha256").update(key).digest("hex").slice(0, 8);
  assert.ok(out.includes(`# authkey: /etc/clusterguard/authkey <70 bytes, sha256 prefix ${prefix}>`), out);
  assert.not.ok(out.includes("s3cret"));
});

test("password and token files show their path only, marked as secret", () => {
  const out = renderEffective(configOf(SECRETS));
  assert.ok(
    out.includes(
      'password_file = "/etc/clusterguard/ipmi.pw"  # file holding the password (contents never shown); secret file, contents not shown',
    ),
  );
  assert.ok(/token_file = "\/etc\/clusterguard\/token" .*secret file, contents not shown/.test(out));
  assert.ok(/tls_key = "\/etc\/clusterguard\/tls.key" .*secret file, contents not shown/.test(out));
});

test("rendered TOML re-parses and validates to the same config (round trip)", () => {
  roundTrip(fixture("good.toml"));
  roundTrip(fixture("minimal.toml"));
  const out = roundTrip(SECRETS);
  assert.ok(out.includes('params = { unit = "nginx.service", "odd \\"key\\"" = "C:\\\\x", n = 1.5, on = true }'), out);
});

test.run();
