// What `config check` (and the console's check of an edit, the same code) finds beyond the schema: a notify hook file
// others could rewrite, weak console tokens, a read-only token that is the management token, a console listening on
// every address.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkConfig } from "../../src/cli/config.ts";
import { withAuthkey } from "../../src/cli/load-both.ts";
import { formatConfigError, loadConfigText, writeAuthkey } from "../../src/config/index.ts";
import { BASE } from "../config/helpers.ts";
import { selfSignedCert } from "../helpers/tls.ts";

const dir = mkdtempSync(join(tmpdir(), "cg-check-rules-"));
const authkey = join(dir, "authkey");
writeAuthkey(authkey, { force: true });
const tls = selfSignedCert(dir);
test.after(() => rmSync(dir, { recursive: true, force: true }));

const GOOD = "check-rules-token-0123456789";
const secret = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text, { mode: 0o600 });
  return p;
};

function check(extra: string): { errors: string[]; warnings: string[] } {
  const file = join(dir, "t.toml");
  const r = checkConfig(withAuthkey(loadConfigText(`${BASE}${extra}`, file), authkey), file);
  return { errors: r.ok ? [] : r.errors.map(formatConfigError), warnings: r.warnings };
}

const web = (listen: string, token: string, ro: string) => `
[management]
token_file = "${token}"

[web]
listen = "${listen}"
tls_cert = "${tls.cert}"
tls_key = "${tls.key}"
readonly_token_file = "${ro}"
`;

test("a hook file anyone may write is an error of config check, at its line", () => {
  const hook = join(dir, "hook");
  writeFileSync(hook, "#!/bin/sh\n");
  chmodSync(hook, 0o777);
  const r = check(`\n[[notify]]\ncommand = "${hook} --x"\n`);
  assert.equal(r.errors, [
    `${join(dir, "t.toml")}:13: notify[0].command: ${hook}: mode is 0777, writable by others; expected no group/other write (chmod go-w ${hook}); expected a hook file only root can write`,
  ]);
  chmodSync(hook, 0o755);
  assert.equal(check(`\n[[notify]]\ncommand = "${hook} --x"\n`).errors, []);
});

test("console tokens: trivially weak ones are refused, and the read-only token may not be the full one", () => {
  const good = secret("good", GOOD);
  const table: [string, string, RegExp | null][] = [
    [secret("weak", "a".repeat(24)), secret("ro1", "read-only-token-9876543210"), /only 1 different characters/],
    [good, secret("ro2", "abababababababababab"), /web.readonly_token_file: holds a token of only 2 different/],
    [good, secret("ro3", GOOD), /holds the same token as management.token_file/],
    [good, secret("ro4", "read-only-token-9876543210"), null],
  ];
  for (const [token, ro, want] of table) {
    const r = check(web("10.0.0.1:8443", token, ro));
    if (want === null) assert.equal(r.errors, [], ro);
    else
      assert.ok(
        r.errors.some((e) => want.test(e)),
        `${ro}: ${r.errors.join("\n")}`,
      );
  }
});

test("the read-only token file may not be the management token file", () => {
  const good = secret("same", GOOD);
  const r = check(web("10.0.0.1:8443", good, good));
  assert.ok(
    r.errors.some((e) => /web.readonly_token_file = .*a file other than management.token_file/.test(e)),
    r.errors.join("\n"),
  );
});

test("a console listening on every address is a warning; a specific address is not", () => {
  const token = secret("t5", GOOD);
  const ro = secret("r5", "read-only-token-9876543210");
  for (const listen of ["0.0.0.0:8443", "[::]:8443", "[0:0:0:0:0:0:0:0]:8443"])
    assert.ok(
      check(web(listen, token, ro)).warnings.some((w) => /every address of this node/.test(w)),
      listen,
    );
  for (const listen of ["10.0.0.1:8443", "[fd00::1]:8443", "127.0.0.1:8443"])
    assert.not.ok(
      check(web(listen, token, ro)).warnings.some((w) => /every address/.test(w)),
      listen,
    );
});

test.run();
