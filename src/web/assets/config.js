// The configurator: the running file in an editor, checked on the agent as you type (config check's own messages,
// the bad lines marked), the documentation of the key under the cursor, the diff, and Apply with its progress.

const { el } = CG;
let running = null;
let docs = {};
let timer = null;
let lastValid = false;

function gutter(errorLines) {
  const n = document.getElementById("editor").value.split("\n").length;
  const g = document.getElementById("gutter");
  const bad = new Map(errorLines.map((e) => [e.line, e.message]));
  g.replaceChildren(
    ...Array.from({ length: n }, (_, i) =>
      el(
        "div",
        { class: bad.has(i + 1) ? "err" : null, title: bad.get(i + 1) ?? null, "data-line": i + 1 },
        String(i + 1),
      ),
    ),
  );
  g.scrollTop = document.getElementById("editor").scrollTop;
}

/** The dotted key under the cursor: the last [table] or [[list]] header above it, then the key on the line. */
function keyAtCursor(ta) {
  const lines = ta.value.slice(0, ta.selectionStart).split("\n");
  const line = ta.value.split("\n")[lines.length - 1] ?? "";
  const key = /^\s*([A-Za-z0-9_-]+)\s*=/.exec(line)?.[1];
  let prefix = "";
  for (let i = lines.length - 1; i >= 0; i--) {
    const h = /^\s*(\[\[?)\s*([A-Za-z0-9_.-]+)\s*\]\]?/.exec(lines[i]);
    if (h) {
      prefix = h[1] === "[[" ? `${h[2]}[]` : h[2];
      break;
    }
  }
  return key ? (prefix ? `${prefix}.${key}` : key) : prefix || null;
}

function showKey() {
  const k = keyAtCursor(document.getElementById("editor"));
  const d = k ? docs[k] : null;
  const box = document.getElementById("keydoc");
  if (!d) return box.replaceChildren(k ? `${k}: not a known key` : "Put the cursor on a key to see what it is for.");
  box.replaceChildren(
    el(
      "div",
      {},
      el("b", {}, k),
      el("div", {}, d.doc),
      el("div", {}, `accepts ${d.accepts}`),
      d.required
        ? el("div", {}, "required")
        : d.default !== undefined
          ? el("div", {}, `default ${d.default}`)
          : el("div", {}, "optional, no default"),
      d.secret ? el("div", {}, "names a secret file; its content is never shown") : null,
    ),
  );
}

function drawDiff(diff) {
  const pre = document.getElementById("diff");
  if (!diff.some((d) => d.op === "+" || d.op === "-")) return pre.replaceChildren("no change");
  pre.replaceChildren(
    ...diff.map((d) =>
      d.op === "..."
        ? "…\n"
        : el(
            "span",
            { class: d.op === "+" ? "add" : d.op === "-" ? "del" : null },
            `${d.op} ${String(d.op === "-" ? d.old : d.new).padStart(4)}  ${d.text}\n`,
          ),
    ),
  );
}

/** Put the cursor at the start of `line` and scroll it into view (an error's line, clicked). */
function goToLine(line) {
  if (!line) return;
  const ta = document.getElementById("editor");
  const pos =
    ta.value
      .split("\n")
      .slice(0, line - 1)
      .join("\n").length + (line > 1 ? 1 : 0);
  ta.focus();
  ta.setSelectionRange(pos, pos);
  ta.scrollTop = Math.max(0, (line - 6) * 18);
  document.getElementById("gutter").scrollTop = ta.scrollTop;
  showKey();
}

async function check() {
  const text = document.getElementById("editor").value;
  const r = await CG.api("/api/config/check", { text });
  if (!r.ok) return;
  const c = r.result;
  lastValid = c.ok;
  const verdict = document.getElementById("verdict");
  verdict.className = c.ok ? "good" : "bad";
  verdict.textContent = c.ok ? "valid" : `${c.errors.length} error(s)`;
  document
    .getElementById("errors")
    .replaceChildren(
      ...c.errors.map((e) => el("li", { "data-line": e.line ?? "", onclick: () => goToLine(e.line) }, e.message)),
    );
  document.getElementById("warnings").replaceChildren(...c.warnings.map((w) => el("li", {}, `warning: ${w}`)));
  gutter(c.errors.filter((e) => e.line !== null));
  drawDiff(c.diff);
  document.getElementById("needs").replaceChildren(...c.needs.map((n) => el("li", {}, n)));
  const changed = text !== running.text;
  document.getElementById("apply").disabled = !(running.canApply && c.ok && changed);
}

async function apply() {
  const go = await CG.confirm({
    title: "Apply the configuration",
    text: `Write ${running.path} (the running file is kept as a backup), then regenerate the guard initrd. The running agent and guard keep their configuration until restarted or rebooted, as listed.`,
    go: "Apply",
  });
  if (!go) return;
  const out = document.getElementById("progress");
  out.hidden = false;
  out.replaceChildren();
  document.getElementById("apply").disabled = true;
  await CG.stream("/api/config/apply", { text: document.getElementById("editor").value, base: running.sha256 }, (s) => {
    out.append(el("span", { class: s.step === "refused" ? "bad" : null }, `[${s.step}] ${s.text}\n`));
    out.scrollTop = out.scrollHeight;
  });
  await load(false);
}

async function load(resetEditor = true) {
  const r = await CG.api("/api/config");
  if (!r.ok) return (document.getElementById("verdict").textContent = r.error);
  running = r.result;
  docs = running.docs;
  document.getElementById("path").textContent = running.path;
  document.getElementById("effective").textContent = running.effective;
  document.getElementById("why-not").textContent = running.canApply
    ? ""
    : `Apply is not possible here: ${running.whyNot}`;
  const ta = document.getElementById("editor");
  if (running.readOnly) {
    // A read-only session sees the effective configuration only (parameters and secret paths left out).
    ta.value = running.effective;
    ta.readOnly = true;
    return;
  }
  if (resetEditor) ta.value = running.text;
  await check();
}

document.addEventListener("DOMContentLoaded", async () => {
  await CG.start("config");
  const ta = document.getElementById("editor");
  ta.addEventListener("input", () => {
    if (running?.readOnly) return;
    gutter([]);
    clearTimeout(timer);
    timer = setTimeout(check, 300);
  });
  ta.addEventListener("scroll", () => (document.getElementById("gutter").scrollTop = ta.scrollTop));
  for (const ev of ["click", "keyup", "focus"]) ta.addEventListener(ev, showKey);
  document.getElementById("apply").addEventListener("click", () => lastValid && apply());
  await load();
});
