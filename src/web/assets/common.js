// Shared by every page of the clusterguard console: DOM built from text only (no string ever becomes HTML), API
// calls with the session's CSRF token, the header, the confirmation dialog and the agent's answers.

globalThis.CG = (() => {
  let csrf = null;

  /** An element; string children become text nodes, never markup. */
  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") e.className = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? "" : String(v));
    }
    for (const kid of kids.flat()) {
      if (kid === null || kid === undefined || kid === false) continue;
      e.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
    }
    return e;
  }

  function ended() {
    location.assign("/login?ended=1");
  }

  /** GET or POST (JSON, with X-CSRF-Token) an API path; resolves with the reply object. */
  async function api(path, body) {
    const init =
      body === undefined
        ? {}
        : {
            method: "POST",
            headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf || "" },
            body: JSON.stringify(body),
          };
    const r = await fetch(path, { credentials: "same-origin", ...init });
    if (r.status === 401) {
      ended();
      throw new Error("session ended");
    }
    return r.json();
  }

  /** POST and hand each line of a streamed JSON-lines answer to `onLine`. */
  async function stream(path, body, onLine) {
    const r = await fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf || "" },
      body: JSON.stringify(body),
    });
    if (r.status === 401) return ended();
    if (!r.ok || !r.body) return onLine({ step: "refused", text: (await r.json()).error });
    const reader = r.body.getReader();
    const dec = new TextDecoder();
    let rest = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const parts = (rest + dec.decode(value, { stream: true })).split("\n");
      rest = parts.pop();
      for (const p of parts) if (p.trim() !== "") onLine(JSON.parse(p));
    }
  }

  /** Load the session (CSRF token, read-only or not) and fill the header; resolves with the session. */
  async function start(page) {
    const r = await api("/api/session");
    csrf = r.result.csrf;
    document.querySelector(`header a[href="/${page}"]`)?.classList.add("here");
    const who = document.getElementById("who");
    if (who)
      who.textContent = `${r.result.cluster}: console of node ${r.result.node}${r.result.readOnly ? " (read-only session)" : ""}`;
    document.getElementById("logout")?.addEventListener("click", async () => {
      await api("/api/logout", {});
      location.assign("/login");
    });
    return r.result;
  }

  /**
   * Ask before acting: a modal with `text`; with `typed`, the admin must type that word to enable the button.
   * Resolves true for go.
   */
  function confirm({ title, text, typed, go }) {
    return new Promise((resolve) => {
      const input = typed ? el("input", { id: "confirm-typed", autocomplete: "off", placeholder: typed }) : null;
      const ok = el("button", { class: "act danger", id: "confirm-go", disabled: !!typed }, go || "Confirm");
      const cancel = el("button", { class: "act", id: "confirm-cancel" }, "Cancel");
      const d = el(
        "dialog",
        { id: "confirm" },
        el("h2", {}, title),
        el("p", {}, text),
        typed ? el("p", {}, "Type ", el("b", {}, typed), " to confirm:") : null,
        input,
        el("div", { class: "buttons" }, cancel, ok),
      );
      if (input) input.addEventListener("input", () => (ok.disabled = input.value !== typed));
      const done = (v) => {
        d.close();
        d.remove();
        resolve(v);
      };
      ok.addEventListener("click", () => done(true));
      cancel.addEventListener("click", () => done(false));
      d.addEventListener("cancel", () => done(false));
      document.body.append(d);
      d.showModal();
      (input || cancel).focus();
    });
  }

  /** Show the agent's answer (or refusal, with its reason) in `box`. */
  function answer(box, what, reply) {
    box.hidden = false;
    box.className = `answer ${reply.ok ? "ok" : "no"}`;
    const said = reply.ok ? (typeof reply.result === "string" ? reply.result : "done") : reply.error;
    box.replaceChildren(el("b", {}, `${what}: ${reply.ok ? "the agent answered" : "refused"}`), el("br"), said);
  }

  /** "1.2 s ago" from ms. */
  function ago(ms) {
    if (ms === null || ms === undefined) return "never";
    return ms < 1000 ? `${ms} ms ago` : `${(ms / 1000).toFixed(1)} s ago`;
  }

  return { el, api, stream, start, confirm, answer, ago, ended };
})();
