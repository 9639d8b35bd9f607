// The session a login opened, for tests (the test fails when the login was refused).
import type { Session } from "../../src/web/session.ts";

export function opened(r: Session | { refused: string }): Session {
  if ("refused" in r) throw new Error(`refused: ${r.refused}`);
  return r;
}
