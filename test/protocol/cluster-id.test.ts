import { test } from "uvu";
import * as assert from "uvu/assert";
import { clusterIdOf } from "../../src/protocol/cluster-id.ts";

test("the cluster id is the first 4 bytes of SHA-256 of the name, as u32", () => {
  // Reference values from `printf NAME | sha256sum`.
  assert.is(clusterIdOf("lab-cluster"), 0xa2e1c532);
  assert.is(clusterIdOf(""), 0xe3b0c442);
});

test("the cluster name is hashed as UTF-8", () => {
  assert.is(clusterIdOf("ΩΩ"), 0xe712ec21);
});

test("different cluster names give different ids", () => {
  assert.is.not(clusterIdOf("prod"), clusterIdOf("prod2"));
});

test.run();
