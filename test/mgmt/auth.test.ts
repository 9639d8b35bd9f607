// Token comparison and the token file's rules, without sockets.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { chmodSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readToken, TokenGate, tokenProblem } from "../../src/mgmt/auth.ts";
import { tempDir } from "./helpers.ts";

const dir = tempDir();
test.after(() => rmSync(dir, { recursive: true, force: true }));

test("the token gate accepts exactly the token, whatever is presented", () => {
  const g = new TokenGate("s3cret-token-0123456789");
  assert.ok(g.allows("s3cret-token-0123456789"));
  for (const bad of [
    "s3cret-token-012345678",
    "s3cret-token-01234567890",
    "",
    undefined,
    null,
    42,
    ["s3cret-token-0123456789"],
  ]) {
    assert.not.ok(g.allows(bad), String(bad));
  }
});

test("a token file must be private and hold a long enough token", () => {
  const f = join(dir, "token");
  writeFileSync(f, "abcdefghijklmnopqrstuvwxyz\n", { mode: 0o600 });
  assert.is(readToken(f), "abcdefghijklmnopqrstuvwxyz");
  chmodSync(f, 0o640);
  assert.throws(
    () => readToken(f),
    /management\.token_file: mode is 0640; expected mode 0600 or stricter .*chmod 0600 /,
  );
  writeFileSync(f, "short\n", { mode: 0o600 });
  chmodSync(f, 0o600);
  assert.throws(() => readToken(f), /holds 5 characters; expected one token of at least 16/);
  assert.throws(() => readToken(join(dir, "missing")), /management\.token_file: cannot open the file \(ENOENT\)/);
});

test("tokenProblem: long enough, no spaces, at least 8 different characters", () => {
  const table: [string, RegExp | null][] = [
    ["short", /holds 5 characters/],
    ["with a space inside it", /whitespace inside/],
    ["a".repeat(40), /only 1 different characters/],
    ["ab".repeat(20), /only 2 different characters/],
    ["abcdefgabcdefgabcdefg", /only 7 different characters/],
    ["abcdefghabcdefgh", null],
    ["0123456789abcdef0123456789abcdef0123456789abcdef", null],
  ];
  for (const [token, want] of table) {
    const p = tokenProblem(token);
    if (want === null) assert.is(p, null, token);
    else assert.match(p ?? "", want, token);
  }
});

test.run();
