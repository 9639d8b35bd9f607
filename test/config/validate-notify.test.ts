// [[notify]]: each bad value is named with its file, line, key, value and what was expected.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { BASE, configOf, errorsOf } from "./helpers.ts";

const hook = (body: string) => `${BASE}[[notify]]\n${body}`;

test("a hook's events, command and timeout are kept as written", () => {
  const c = configOf(
    hook('command = "/usr/bin/logger -t \'cg hook\'"\nevents = ["role", "link-down"]\ntimeout = 100\n'),
  );
  assert.equal(c.notify, [{ command: "/usr/bin/logger -t 'cg hook'", events: ["role", "link-down"], timeout: 100 }]);
});

test("the command must start with an absolute path and be quoted right", () => {
  const expect = 'expected a command line whose first word is an absolute path ("/usr/local/sbin/cg-mail --to ops")';
  assert.equal(errorsOf(hook('command = "notify.sh --all"\n')), [
    `t.toml:12: notify[0].command = "notify.sh --all": ${expect}`,
  ]);
  assert.equal(errorsOf(hook('command = "/bin/notify \'open"\n')), [
    `t.toml:12: notify[0].command = "/bin/notify 'open": ${expect}`,
  ]);
  assert.equal(errorsOf(hook('command = "  "\n')), [`t.toml:12: notify[0].command = "  ": ${expect}`]);
  assert.equal(errorsOf(hook("timeout = 1000\n")), [`t.toml:11: notify[0].command: missing; ${expect}`]);
});

test("an unknown event names the element, its value and every event a hook can take", () => {
  const [e] = errorsOf(hook('command = "/bin/true"\nevents = ["role", "master"]\n'));
  assert.match(
    e ?? "",
    /^t\.toml:13: notify\[0\]\.events\[1\] = "master": expected one of "start", "role", "fence-request", /,
  );
  assert.match(e ?? "", /"link-down", "link-up"/);
});

test("events must be an array of distinct names, at least one", () => {
  assert.equal(errorsOf(hook('command = "/bin/true"\nevents = "role"\n')), [
    `t.toml:13: notify[0].events = "role": expected an array of at least 1 distinct values, each one of ${names()}`,
  ]);
  assert.equal(errorsOf(hook('command = "/bin/true"\nevents = []\n')), [
    `t.toml:13: notify[0].events = []: found 0; expected an array of at least 1 distinct values, each one of ${names()}`,
  ]);
  assert.equal(errorsOf(hook('command = "/bin/true"\nevents = ["role", "link-up", "role"]\n')), [
    't.toml:13: notify[0].events[2] = "role": expected a value not already in notify[0].events (at notify[0].events[0])',
  ]);
});

test("the timeout is bounded: 100 ms to 60 s", () => {
  assert.equal(errorsOf(hook('command = "/bin/true"\ntimeout = 0\n')), [
    "t.toml:13: notify[0].timeout = 0: expected an integer from 100 to 60000 (milliseconds)",
  ]);
  assert.equal(errorsOf(hook('command = "/bin/true"\ntimeout = 600000\n')), [
    "t.toml:13: notify[0].timeout = 600000: expected an integer from 100 to 60000 (milliseconds)",
  ]);
});

test("two hooks with one command line, and more than 16 hooks, are refused", () => {
  assert.equal(errorsOf(`${hook('command = "/bin/true"\n')}[[notify]]\ncommand = "/bin/true"\n`), [
    't.toml:14: notify[1].command = "/bin/true": expected a command different from notify[0].command',
  ]);
  const many = Array.from({ length: 17 }, (_, i) => `[[notify]]\ncommand = "/bin/hook${i}"\n`).join("");
  assert.equal(errorsOf(`${BASE}${many}`), ["t.toml:11: notify: found 17; expected [[notify]] tables"]);
});

test("an unknown key in a hook lists the three it takes", () => {
  assert.equal(errorsOf(hook('command = "/bin/true"\nenv = "x"\n')), [
    "t.toml:13: notify[0].env: unknown key; expected one of: command, events, timeout",
  ]);
});

/** The event names as the "expected" phrase lists them. */
function names(): string {
  return '"start", "role", "fence-request", "fence-confirmed", "fence-failed", "activation-blocked", "monitor-escalate", "monitor-stopped", "resource-failed", "failover", "link-down", "link-up", "link-dead", "link-restored", "peer-lost", "peer-dead"';
}

test.run();
