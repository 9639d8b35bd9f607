// A service's failover requests in the log: each granted one; a refused one once per monitor and reason per 10 minutes.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { failoverLog } from "../../src/agent/failover-log.ts";

test("refusals are logged the first time, on a new reason and every 10 minutes, saying how many were left out", () => {
  const lines: string[] = [];
  let t = 0;
  const log = failoverLog(
    (level, _event, message) => void lines.push(`${level} ${message}`),
    () => t,
  );
  const web = { monitor: "web", action: "failover" as const, reason: "hard error" };
  const refused = { ok: false, detail: "refused: b is not heard on any link" };
  log(web, refused);
  for (let i = 2; i <= 5; i++) {
    t += 60_000;
    log({ ...web, repeat: i }, refused);
  }
  log({ ...web, repeat: 6 }, { ok: false, detail: "refused: b is FENCING, not STANDBY" });
  log({ monitor: "db", action: "failover", reason: "x" }, refused);
  t += 600_000;
  log({ ...web, repeat: 7 }, { ok: false, detail: "refused: b is FENCING, not STANDBY" });
  log({ ...web, repeat: 8 }, { ok: true, detail: "shared root frozen and STOPPED announced after 900 ms" });
  assert.equal(lines, [
    "error web asked for failover: refused: b is not heard on any link; it stays down here and asks again while it is down",
    "error web asked for failover again (request 6, still down): refused: b is FENCING, not STANDBY (4 more refusal(s) of this since the last line); it stays down here and asks again while it is down",
    "error db asked for failover: refused: b is not heard on any link; it stays down here and asks again while it is down",
    "error web asked for failover again (request 7, still down): refused: b is FENCING, not STANDBY; it stays down here and asks again while it is down",
    "warning web asked for failover again (request 8, still down): shared root frozen and STOPPED announced after 900 ms",
  ]);
});

test.run();
