// The client's failure messages: which socket or address, the errno, and what to check.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { connectFailure } from "../../src/mgmt/client.ts";

test("connect failures name the place, the errno and the likely fix", () => {
  const unix = { kind: "unix", path: "/run/clusterguard/clusterguard.sock" } as const;
  assert.is(
    connectFailure(unix, "ENOENT", ""),
    "no agent is listening on /run/clusterguard/clusterguard.sock (ENOENT): is clusterguard-agent running?",
  );
  assert.match(connectFailure(unix, "ECONNREFUSED", ""), "(ECONNREFUSED): is clusterguard-agent running?");
  assert.match(connectFailure(unix, "EACCES", ""), "permission denied on /run/clusterguard/clusterguard.sock (EACCES)");
  const tcp = { kind: "tcp", host: "node-a", port: 7410, token: "t", ca: null, insecure: false } as const;
  assert.match(
    connectFailure(tcp, "ECONNREFUSED", ""),
    "no agent is listening on node-a:7410 (ECONNREFUSED): is clusterguard-agent running with management.tcp_listen set?",
  );
  assert.match(
    connectFailure(tcp, "EHOSTUNREACH", "No route"),
    "cannot connect to node-a:7410 (EHOSTUNREACH): No route",
  );
});

test.run();
