// The Redfish fence device against a fake BMC (Bun.serve) that speaks the real resource shapes and checks Basic auth.
import { selfSignedCert } from "../helpers/tls.ts";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RedfishFence } from "../../src/fence/redfish.ts";

const dir = mkdtempSync(join(tmpdir(), "cg-redfish-"));
const passwordFile = join(dir, "password");
writeFileSync(passwordFile, "s3cret\n", { mode: 0o600 });
const wrongPasswordFile = join(dir, "wrong");
writeFileSync(wrongPasswordFile, "guess\n", { mode: 0o600 });
test.after(() => rmSync(dir, { recursive: true, force: true }));

type FakeOpts = {
  offAfterMs?: number;
  neverOff?: boolean;
  target?: string | null;
  tls?: { cert: string; key: string };
  forceOffError?: { status: number; goesOff: boolean };
};

/** A BMC with one system, "1": PowerState On until a ForceOff has had `offAfterMs` to take effect. */
function fakeBmc(o: FakeOpts = {}) {
  const resets: { path: string; type: string }[] = [];
  let power = "On";
  const target = o.target === undefined ? "/redfish/v1/Systems/1/Actions/ComputerSystem.Reset" : o.target;
  const error = (status: number, message: string) =>
    Response.json({ error: { code: "Base.1.8.GeneralError", message } }, { status });
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    ...(o.tls ? { tls: { cert: Bun.file(o.tls.cert), key: Bun.file(o.tls.key) } } : {}),
    async fetch(req) {
      if (req.headers.get("authorization") !== `Basic ${btoa("admin:s3cret")}`)
        return new Response(null, { status: 401, headers: { "WWW-Authenticate": 'Basic realm="BMC"' } });
      const path = new URL(req.url).pathname;
      if (req.method === "GET" && path === "/redfish/v1")
        return Response.json({
          "@odata.id": "/redfish/v1",
          RedfishVersion: "1.11.0",
          Systems: { "@odata.id": "/redfish/v1/Systems" },
        });
      if (req.method === "GET" && path === "/redfish/v1/Systems/1") {
        const actions = target
          ? {
              Actions: {
                "#ComputerSystem.Reset": {
                  target,
                  "ResetType@Redfish.AllowableValues": ["On", "ForceOff", "ForceRestart"],
                },
              },
            }
          : {};
        return Response.json({
          "@odata.id": "/redfish/v1/Systems/1",
          "@odata.type": "#ComputerSystem.v1_13_0.ComputerSystem",
          Id: "1",
          PowerState: power,
          ...actions,
        });
      }
      if (req.method === "POST" && path === (target ?? "/redfish/v1/Systems/1/Actions/ComputerSystem.Reset")) {
        const type = ((await req.json()) as { ResetType: string }).ResetType;
        resets.push({ path, type });
        if (type === "ForceOff" && o.forceOffError) {
          // Some BMCs answer an error while the system is already powering off (a race with a power button, a second fencer).
          if (o.forceOffError.goesOff) power = "Off";
          return error(o.forceOffError.status, "the system is already changing power state");
        }
        if (type === "On") power = "On";
        if (type === "ForceOff" && !o.neverOff) setTimeout(() => (power = "Off"), o.offAfterMs ?? 0);
        return new Response(null, { status: 204 });
      }
      return error(404, `${path} not found`);
    },
  });
  const scheme = o.tls ? "https" : "http";
  return { url: `${scheme}://127.0.0.1:${server.port}`, resets, power: () => power, stop: () => server.stop(true) };
}

function device(url: string, o: { system?: string; insecure?: boolean; passwordFile?: string; caFile?: string } = {}) {
  return new RedfishFence({
    url,
    user: "admin",
    passwordFile: o.passwordFile ?? passwordFile,
    system: o.system ?? "1",
    insecure: o.insecure ?? false,
    ...(o.caFile === undefined ? {} : { caFile: o.caFile }),
    pollMs: 20,
  });
}

test("off posts ForceOff to the advertised target and is confirmed only once PowerState reads Off", async () => {
  const bmc = fakeBmc({ target: "/redfish/v1/Systems/1/Actions/Oem/ComputerSystem.Reset", offAfterMs: 150 });
  try {
    const st = await device(bmc.url).status("a", AbortSignal.timeout(2000));
    assert.equal(st, { power: "on", detail: "PowerState On" });
    const r = await device(bmc.url).fence("a", "off", AbortSignal.timeout(5000));
    assert.ok(r.confirmed, r.detail);
    assert.equal(bmc.resets, [{ path: "/redfish/v1/Systems/1/Actions/Oem/ComputerSystem.Reset", type: "ForceOff" }]);
    const polls = Number(/after (\d+) polls/.exec(r.detail)?.[1]);
    assert.ok(polls > 1, `Off was seen on the first poll, before the fake turned off: ${r.detail}`);
    assert.is(bmc.power(), "Off");
    const again = await device(bmc.url).fence("a", "off", AbortSignal.timeout(2000));
    assert.ok(again.confirmed, again.detail);
    assert.is(bmc.resets.length, 1, "a system already Off gets no second ForceOff");
  } finally {
    bmc.stop();
  }
});

test("reset is ForceOff, confirmed Off, then On; without an advertised target the conventional path is used", async () => {
  const bmc = fakeBmc({ target: null, offAfterMs: 50 });
  try {
    const r = await device(`${bmc.url}/`).fence("a", "reset", AbortSignal.timeout(5000));
    assert.ok(r.confirmed, r.detail);
    assert.match(r.detail, /PowerState Off .*; On sent$/);
    assert.equal(
      bmc.resets.map((x) => x.type),
      ["ForceOff", "On"],
    );
    assert.is(bmc.resets[0]!.path, "/redfish/v1/Systems/1/Actions/ComputerSystem.Reset");
    assert.is(bmc.power(), "On");
  } finally {
    bmc.stop();
  }
});

test("a wrong password gets 401 and a missing system 404: never confirmed, and the detail says which", async () => {
  const bmc = fakeBmc();
  try {
    const denied = await device(bmc.url, { passwordFile: wrongPasswordFile }).fence(
      "a",
      "off",
      AbortSignal.timeout(2000),
    );
    assert.is(denied.confirmed, false);
    assert.match(denied.detail, /GET \/redfish\/v1\/Systems\/1: 401 Unauthorized \(check user and password_file\)/);
    const missing = await device(bmc.url, { system: "2" }).fence("a", "off", AbortSignal.timeout(2000));
    assert.is(missing.confirmed, false);
    assert.match(
      missing.detail,
      /GET \/redfish\/v1\/Systems\/2: 404 Not Found \(no such resource: check url and system\): \/redfish\/v1\/Systems\/2 not found/,
    );
    const noFile = await device(bmc.url, { passwordFile: join(dir, "absent") }).fence(
      "a",
      "off",
      AbortSignal.timeout(2000),
    );
    assert.match(noFile.detail, /password_file refused: .*absent: password_file: cannot open the file \(ENOENT\)/);
    assert.equal(bmc.resets, []);
  } finally {
    bmc.stop();
  }
});

test("a system that never reports Off is not confirmed when the signal aborts, and is never powered on", async () => {
  const bmc = fakeBmc({ neverOff: true });
  try {
    const t0 = performance.now();
    const r = await device(bmc.url).fence("a", "reset", AbortSignal.timeout(400));
    assert.is(r.confirmed, false);
    assert.ok(performance.now() - t0 < 1500, "returned soon after the signal");
    assert.match(r.detail, /ForceOff sent to .*, not seen off before the fence time ran out .*last on: PowerState On/);
    assert.equal(
      bmc.resets.map((x) => x.type),
      ["ForceOff"],
    );
  } finally {
    bmc.stop();
  }
});

test("a ForceOff answered with an error still counts when PowerState then reads Off (as the IPMI device does); otherwise it fails", async () => {
  const racing = fakeBmc({ forceOffError: { status: 409, goesOff: true } });
  try {
    const r = await device(racing.url).fence("a", "off", AbortSignal.timeout(3000));
    assert.ok(r.confirmed, r.detail);
    assert.match(r.detail, /PowerState Off/);
  } finally {
    racing.stop();
  }
  const refusing = fakeBmc({ forceOffError: { status: 500, goesOff: false } });
  try {
    const r = await device(refusing.url).fence("a", "reset", AbortSignal.timeout(3000));
    assert.is(r.confirmed, false);
    assert.match(r.detail, /500.*already changing power state.*; PowerState afterwards: on \(PowerState On\)/);
    assert.equal(
      refusing.resets.map((x) => x.type),
      ["ForceOff"],
      "never powered on after a failed off",
    );
  } finally {
    refusing.stop();
  }
});

test("a refused connection is a failure that names it, and status is unknown", async () => {
  const bmc = fakeBmc();
  const url = bmc.url;
  bmc.stop();
  const r = await device(url).fence("a", "off", AbortSignal.timeout(2000));
  assert.is(r.confirmed, false);
  assert.match(r.detail, /GET \/redfish\/v1\/Systems\/1: ECONNREFUSED/);
  const st = await device(url).status("a", AbortSignal.timeout(2000));
  assert.is(st.power, "unknown");
});

test("https with a self-signed certificate fails verification unless insecure is set", async () => {
  const { cert, key } = selfSignedCert(dir);
  const bmc = fakeBmc({ tls: { cert, key } });
  try {
    const strict = await device(bmc.url).fence("a", "off", AbortSignal.timeout(3000));
    assert.is(strict.confirmed, false);
    assert.match(strict.detail, /self.signed certificate.*TLS verification failed/i);
    assert.equal(bmc.resets, []);
    const insecure = await device(bmc.url, { insecure: true }).fence("a", "off", AbortSignal.timeout(3000));
    assert.ok(insecure.confirmed, insecure.detail);
    assert.equal(
      bmc.resets.map((x) => x.type),
      ["ForceOff"],
    );
  } finally {
    bmc.stop();
  }
});

test("ca_file makes a BMC's own certificate verifiable; a ca_file that cannot be read fails before any request", async () => {
  const { cert, key } = selfSignedCert(dir);
  const bmc = fakeBmc({ tls: { cert, key } });
  // The certificate names localhost: verification checks the name too.
  const url = bmc.url.replace("127.0.0.1", "localhost");
  try {
    const trusted = await device(url, { caFile: cert }).fence("a", "off", AbortSignal.timeout(3000));
    assert.ok(trusted.confirmed, trusted.detail);
    assert.equal(
      bmc.resets.map((x) => x.type),
      ["ForceOff"],
    );
    const other = selfSignedCert(mkdtempSync(join(dir, "other-")));
    const wrong = await device(url, { caFile: other.cert }).fence("a", "off", AbortSignal.timeout(3000));
    assert.is(wrong.confirmed, false);
    assert.match(wrong.detail, `TLS verification failed against ${other.cert}; set ca_file`);
    const missing = await device(url, { caFile: join(dir, "no-such-ca.pem") }).fence(
      "a",
      "off",
      AbortSignal.timeout(3000),
    );
    assert.is(missing.confirmed, false);
    assert.match(
      missing.detail,
      /^ca_file .*no-such-ca\.pem cannot be read \(ENOENT\): https to the BMC cannot be verified$/,
    );
    assert.is(bmc.resets.length, 1, "nothing sent with a wrong or missing ca_file");
  } finally {
    bmc.stop();
  }
});

test.run();
