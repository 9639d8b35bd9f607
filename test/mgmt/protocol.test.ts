// Line framing, request validation and reply encoding, without sockets.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { describeValue, encodeReply, LineSplitter, parseObject, validateRequest } from "../../src/mgmt/protocol.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

test("lines split across chunks are joined, CRLF is accepted, several lines in one chunk all come out", () => {
  const s = new LineSplitter();
  assert.equal(s.push(bytes('{"op":')), { lines: [], oversize: false });
  assert.equal(s.push(bytes('"status"}\r\n{"op":"takeover"}\nx')), {
    lines: ['{"op":"status"}', '{"op":"takeover"}'],
    oversize: false,
  });
  assert.equal(s.push(bytes("y\n")).lines, ["xy"]);
});

test("a line longer than the limit is reported whether or not its newline has arrived", () => {
  const s = new LineSplitter(10);
  assert.is(s.push(bytes("0123456789")).oversize, false);
  assert.is(s.push(bytes("a")).oversize, true);
  const t = new LineSplitter(10);
  assert.equal(t.push(bytes("ok\n0123456789abc\n")), { lines: ["ok"], oversize: true });
});

test("a request split into one-byte chunks is still one line", () => {
  const s = new LineSplitter();
  const out: string[] = [];
  for (const b of bytes('{"op":"status"}\n')) out.push(...s.push(Uint8Array.of(b)).lines);
  assert.equal(out, ['{"op":"status"}']);
});

test("every valid request shape is accepted as the Request contract describes it", () => {
  const ok = (o: Record<string, unknown>) => {
    const r = validateRequest(o);
    assert.ok(r.ok, JSON.stringify(r));
    return r.ok ? r.value : null;
  };
  assert.equal(ok({ op: "status" }), { op: "status" });
  assert.equal(ok({ op: "takeover", token: "t" }), { op: "takeover", token: "t" });
  assert.equal(ok({ op: "standby" }), { op: "standby" });
  assert.equal(ok({ op: "fence", target: "b", confirm: true }), { op: "fence", target: "b", confirm: true });
  assert.equal(ok({ op: "fence", target: "b", confirm: true, manual: true }), {
    op: "fence",
    target: "b",
    confirm: true,
    manual: true,
  });
  assert.equal(ok({ op: "monitors", action: "list" }), { op: "monitors", action: "list" });
  assert.equal(ok({ op: "monitors", action: "pause", name: "web" }), { op: "monitors", action: "pause", name: "web" });
});

test("bad requests say what was expected and what arrived", () => {
  const err = (o: Record<string, unknown>) => {
    const r = validateRequest(o);
    assert.not.ok(r.ok);
    return r.ok ? "" : r.error;
  };
  assert.match(
    err({ op: "reboot" }),
    'unknown op "reboot"; expected "op" to be one of: status, takeover, standby, fence, monitors',
  );
  assert.match(err({ op: "agents", action: "list" }), 'op "agents": renamed: use "monitors"');
  assert.match(err({}), "unknown op nothing");
  assert.match(err({ op: "fence", target: "b" }), 'fence needs "confirm": true; got nothing');
  assert.match(err({ op: "fence", target: "b", confirm: "yes" }), 'got "yes"');
  assert.match(err({ op: "fence", target: "../etc", confirm: true }), 'fence needs "target"');
  assert.match(
    err({ op: "fence", target: "b", confirm: true, manual: "yes" }),
    'fence "manual" may only be true; got "yes"',
  );

  assert.match(
    err({ op: "monitors", action: "kill", name: "web" }),
    'monitors needs "action": one of list, pause, resume; got "kill"',
  );
  assert.match(err({ op: "monitors", action: "pause" }), 'monitors pause needs "name"');
  assert.match(err({ op: "monitors", action: "list", name: "web" }), "monitors list takes no");
  assert.match(
    err({ op: "status", verbose: true }),
    'unknown field "verbose" in a status request; expected only: op, token',
  );
  assert.match(err({ op: "status", token: 42 }), '"token" must be a string; got 42');
});

test("lines that are not JSON objects are refused with what arrived", () => {
  const e = (line: string) => {
    const r = parseObject(line);
    return r.ok ? "" : r.error;
  };
  assert.match(
    e("status"),
    /^malformed JSON \(.*\): expected one JSON object per line such as \{"op":"status"\}; got "status"$/,
  );
  assert.match(e("[1,2]"), 'expected a JSON object with an "op" field; got an array [1,2]');
  assert.match(e("null"), "got null");
  assert.match(describeValue("x".repeat(200)), /\.\.\.$/);
});

test("a reply that cannot be serialised becomes an error reply instead of a throw", () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const line = encodeReply({ ok: true, result: cyclic });
  assert.ok(line.endsWith("\n"));
  assert.is(JSON.parse(line).ok, false);
  assert.match(JSON.parse(line).error, "could not encode");
});

test.run();
