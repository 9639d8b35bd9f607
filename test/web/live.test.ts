// The live stream queues nothing for a client that does not read, and says once when it ended.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadConfigText } from "../../src/config/index.ts";
import { liveStream } from "../../src/web/live.ts";
import { ConsoleRecord } from "../../src/web/record.ts";
import type { Session } from "../../src/web/session.ts";
import { BASE } from "../config/helpers.ts";
import { sampleStatus } from "./helpers.ts";

const config = (() => {
  const r = loadConfigText(BASE, "t.toml");
  if (!r.ok) throw new Error("BASE");
  return r.config;
})();
const session = { readOnly: false, expiresAt: 0 } as Session;

test("a client that does not read gets no more updates queued; one that reads gets them", async () => {
  let built = 0;
  let ended = 0;
  let alive: Session | null = session;
  const stream = liveStream(
    {
      config,
      record: new ConsoleRecord(),
      handler: {
        status: () => {
          built++;
          return sampleStatus();
        },
      } as never,
      session: () => alive,
      onEnd: () => void ended++,
    },
    2,
  );
  await Bun.sleep(100);
  assert.is(built, 1, "only the first update was built while nobody read");
  const reader = stream.getReader();
  for (let i = 0; i < 4; i++) await reader.read();
  assert.ok(built >= 2, "reading lets the updates flow again");
  alive = null;
  let text = "";
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    text += new TextDecoder().decode(r.value);
  }
  assert.match(text, /event: expired/);
  assert.is(ended, 1);
});

test.run();
