// Each key's documentation for the configurator comes from the schema, lists and variants included.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { keyDocs } from "../../src/web/key-docs.ts";

const docs = keyDocs();

test("plain keys: what they are for, what they accept, their default", () => {
  assert.equal(docs["timers.deadtime"], {
    doc: "silence on all links after which the peer is declared dead",
    accepts: "an integer from 30 to 600000 (milliseconds)",
    default: "5000",
  });
  assert.is(docs["web.session_timeout"]?.default, "1800");
  assert.is(docs["cluster.name"]?.required, true);
});

test("list items and a fence level's keys by type; secret files are marked", () => {
  assert.ok(docs["node[].priority"]);
  assert.ok(docs["monitor[].interval"]);
  assert.match(docs["fencing.level[].type"]?.accepts ?? "", /^one of "peer-request", "poison-pill", "qmp"/);
  assert.match(docs["fencing.level[].password_file"]?.doc ?? "", /type = "(ipmi|redfish)"/);
  assert.is(docs["fencing.level[].password_file"]?.secret, true);
  assert.is(docs["management.token_file"]?.secret, true);
});

test.run();
