// The overview: both nodes, each link with its heartbeat arrival chart, fencing, monitors and resources, live from
// the agent's event stream; a banner when the stream drops. Every string from a node, a plugin or a log goes into
// the page as text.

const { el } = CG;
const WINDOW_MS = 180_000;
const arrivals = {};
const shown = {};
let session = null;

/** Re-render a section only when its data changed (buttons stay put under the pointer). */
function section(id, data, draw) {
  const key = JSON.stringify(data);
  if (shown[id] === key) return;
  shown[id] = key;
  document.getElementById(id).replaceChildren(...[draw(data)].flat().filter((x) => x !== null && x !== undefined));
}

function nodeCard(id, title, name, state, lines) {
  return el(
    "div",
    { class: "node", id: `node-${id}` },
    el("div", { class: "muted" }, title),
    el("div", { class: "name" }, name, " ", el("span", { class: `state ${state}`, id: `state-${id}` }, state)),
    lines.filter((l) => l !== null).map((l) => el("div", { class: "muted" }, l)),
  );
}

function drawNodes(u) {
  const s = u.status;
  return [
    nodeCard("self", "this node", s.node, s.role, [
      `boot incarnation ${s.incarnation}`,
      `late heartbeats since start: ${s.lateHeartbeats}`,
    ]),
    nodeCard("peer", "peer", s.peer.name, u.peer.state, [
      `boot incarnation ${s.peer.incarnation ?? "not heard"}`,
      `last heard ${CG.ago(s.peer.lastHeardAgoMs)}; last role ${s.peer.role ?? "unknown"}`,
      u.peer.state === s.peer.role ? null : u.peer.why,
    ]),
  ];
}

function drawLinks(links) {
  return links.map((l) =>
    el(
      "div",
      { class: "link", id: `link-${l.kind}` },
      el("b", {}, l.kind),
      " ",
      el(
        "span",
        { class: l.dead ? "bad" : l.late ? "bad" : l.up ? "good" : "bad" },
        l.dead ? "dead" : l.late ? "late" : l.up ? "up" : "down",
      ),
      el(
        "div",
        { class: "muted" },
        `last heard ${CG.ago(l.lastHeardAgoMs)}; frames in ${l.framesIn}, out ${l.framesOut}, dropped ${l.dropped}`,
      ),
      l.lastError ? el("div", { class: "muted" }, `last error: ${l.lastError}`) : null,
      el("canvas", { id: `chart-${l.kind}` }),
    ),
  );
}

/** The arrival gaps of one link over up to WINDOW_MS (the span seen so far), keepalive and warntime as references. */
function drawChart(kind, timers) {
  const c = document.getElementById(`chart-${kind}`);
  if (!c) return;
  const dpr = window.devicePixelRatio || 1;
  const w = c.clientWidth;
  const h = c.clientHeight;
  if (c.width !== Math.round(w * dpr)) c.width = Math.round(w * dpr);
  if (c.height !== Math.round(h * dpr)) c.height = Math.round(h * dpr);
  const g = c.getContext("2d");
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  const pts = arrivals[kind] || [];
  const now = Date.now();
  const span = Math.min(WINDOW_MS, Math.max(10_000, now - (pts[0]?.at ?? now)));
  const top = Math.max(timers.warntime * 1.2, ...pts.map((p) => p.gapMs));
  const left = 44;
  const x = (at) => left + ((at - (now - span)) / span) * (w - left - 6);
  const y = (ms) => h - 16 - (Math.min(ms, top) / top) * (h - 26);
  g.clearRect(0, 0, w, h);
  g.font = "11px sans-serif";
  g.lineWidth = 1;
  for (const [ms, color, label] of [
    [timers.keepalive, "#4caf50", "keepalive"],
    [timers.warntime, "#e8a23a", "warntime"],
  ]) {
    g.strokeStyle = color;
    g.beginPath();
    g.moveTo(left, y(ms));
    g.lineTo(w, y(ms));
    g.stroke();
    g.fillStyle = color;
    g.fillText(`${label} ${ms} ms`, left + 4, y(ms) - 3);
  }
  g.strokeStyle = "#1565c0";
  g.beginPath();
  for (const [i, p] of pts.entries()) {
    if (i === 0) g.moveTo(x(p.at), y(p.gapMs));
    else g.lineTo(x(p.at), y(p.gapMs));
  }
  g.stroke();
  g.fillStyle = "#666";
  g.fillText(`${Math.round(top)} ms`, 0, 12);
  g.fillText("0 ms", 8, h - 14);
  g.fillText(`-${Math.round(span / 1000)} s`, left, h - 2);
  g.fillText("now", w - 26, h - 2);
}

function drawFence(u) {
  const f = u.status.fence;
  return [
    el("div", {}, "state: ", el("b", { id: "fence-state" }, f.state), f.at ? ` at ${f.at}` : ""),
    f.last ? el("div", { class: "muted" }, f.last) : null,
    u.fences.length === 0
      ? el("div", { class: "muted" }, "no fence since the agent started")
      : el(
          "table",
          {},
          el("tr", {}, el("th", {}, "time"), el("th", {}, "event"), el("th", {}, "what")),
          u.fences.map((e) =>
            el("tr", {}, el("td", {}, e.ts.slice(11, 19)), el("td", {}, e.event), el("td", {}, e.message)),
          ),
        ),
  ];
}

function drawMonitors(monitors) {
  if (monitors.length === 0) return el("div", { class: "muted" }, "no [[monitor]] configured");
  return el(
    "table",
    { id: "monitor-table" },
    el(
      "tr",
      {},
      ["name", "plugin", "state", "health", "last result", "restarts", ""].map((h) => el("th", {}, h)),
    ),
    monitors.map((m) => {
      const run = m.history[m.history.length - 1];
      const paused = m.state === "paused" || m.state === "stopped";
      return el(
        "tr",
        { id: `monitor-${m.name}` },
        el("td", {}, m.name),
        el("td", {}, m.plugin),
        el("td", {}, m.state),
        el("td", { class: m.health === "down" ? "bad" : m.health === "up" ? "good" : "" }, m.health),
        el(
          "td",
          { class: "reason" },
          run ? `${run.op} ${run.result}: ${run.reason}` : "not run yet",
          m.lastEscalation
            ? el("div", { class: "bad" }, `escalated: ${m.lastEscalation.action}: ${m.lastEscalation.reason}`)
            : null,
        ),
        el("td", {}, String(m.restartsInWindow)),
        el(
          "td",
          {},
          el(
            "button",
            {
              class: "act",
              type: "button",
              "data-monitor": m.name,
              "data-do": paused ? "resume" : "pause",
              onclick: () => monitorAction(m.name, paused ? "resume" : "pause"),
            },
            paused ? "Resume" : "Pause",
          ),
        ),
      );
    }),
  );
}

function drawResources(resources) {
  if (resources.length === 0) return el("div", { class: "muted" }, "no [[resource]] configured");
  return el(
    "table",
    {},
    el(
      "tr",
      {},
      ["name", "kind", "state", "detail"].map((h) => el("th", {}, h)),
    ),
    resources.map((r) =>
      el("tr", {}, el("td", {}, r.name), el("td", {}, r.kind), el("td", {}, r.state), el("td", {}, r.detail)),
    ),
  );
}

function render(u) {
  const s = u.status;
  const blocked = document.getElementById("blocked");
  blocked.hidden = !s.blocked;
  blocked.textContent = s.blocked ? `Activation blocked: ${s.blocked}` : "";
  section(
    "nodes",
    {
      s: {
        ...s,
        generatedAt: 0,
        links: 0,
        monitors: 0,
        peer: { ...s.peer, lastHeardAgoMs: Math.floor((s.peer.lastHeardAgoMs ?? -1) / 1000) },
      },
      p: u.peer,
    },
    () => drawNodes(u),
  );
  section(
    "links",
    s.links.map((l) => ({
      ...l,
      lastHeardAgoMs: Math.floor((l.lastHeardAgoMs ?? -1000) / 1000),
      framesIn: 0,
      framesOut: 0,
    })),
    () => drawLinks(s.links),
  );
  for (const l of s.links) {
    const box = document.querySelector(`#link-${l.kind} .muted`);
    if (box)
      box.textContent = `last heard ${CG.ago(l.lastHeardAgoMs)}; frames in ${l.framesIn}, out ${l.framesOut}, dropped ${l.dropped}`;
  }
  const cut = Date.now() - WINDOW_MS;
  for (const [kind, list] of Object.entries(u.arrivals))
    arrivals[kind] = [...(arrivals[kind] || []), ...list].filter((p) => p.at >= cut);
  for (const l of s.links) drawChart(l.kind, u.timers);
  section("fence", { f: s.fence, h: u.fences }, () => drawFence(u));
  section(
    "monitors",
    s.monitors.map((m) => ({ ...m, history: m.history.slice(-1) })),
    () => drawMonitors(s.monitors),
  );
  section("resources", s.resources, () => drawResources(s.resources));
}

async function act(what, body) {
  const box = document.getElementById("answer");
  box.hidden = false;
  box.className = "answer";
  box.textContent = `${what}: waiting for the agent…`;
  try {
    CG.answer(box, what, await CG.api("/api/action", body));
  } catch (e) {
    CG.answer(box, what, { ok: false, error: `no answer: ${e.message}` });
  }
}

async function monitorAction(name, action) {
  const go = await CG.confirm({
    title: `${action} monitor ${name}`,
    text:
      action === "pause"
        ? `Stop checking ${name} until resumed? Its service is then not watched.`
        : `Start checking ${name} again?`,
    go: action,
  });
  if (go) act(`${action} ${name}`, { op: "monitors", action, name });
}

function wireActions() {
  const peer = session.peer;
  document.getElementById("act-takeover").addEventListener("click", async () => {
    if (
      await CG.confirm({
        title: "Take over",
        text: `Ask to make ${session.node} ACTIVE? The ACTIVE peer hands over by a planned switchover (refused where it makes no sense, with the reason).`,
        go: "Take over",
      })
    )
      act("takeover", { op: "takeover" });
  });
  document.getElementById("act-standby").addEventListener("click", async () => {
    if (
      await CG.confirm({
        title: "Standby",
        text: `Hand the ACTIVE role over to ${peer}? ${session.node}'s services stop, its root is frozen, it announces STOPPED and reboots; ${peer} takes over without a fence.`,
        go: "Hand over",
      })
    )
      act("standby", { op: "standby" });
  });
  document.getElementById("act-fence").addEventListener("click", async () => {
    if (
      await CG.confirm({
        title: `Fence ${peer}`,
        text: `Fence ${peer} now through the configured fence levels (a reset or power-off of that machine).`,
        typed: peer,
        go: "Fence",
      })
    )
      act(`fence ${peer}`, { op: "fence", target: peer });
  });
  document.getElementById("act-confirm-off").addEventListener("click", async () => {
    if (
      await CG.confirm({
        title: `Confirm ${peer} is off`,
        text: `Only when you checked by hand that ${peer} is powered off: this counts as a confirmed fence (refused while ${peer} is heard).`,
        typed: peer,
        go: "Confirm off",
      })
    )
      act(`confirm ${peer} off`, { op: "fence", target: peer, manual: true });
  });
  if (session.readOnly) {
    document.getElementById("ro-note").hidden = false;
    for (const b of document.querySelectorAll("button.act")) b.disabled = true;
  }
}

let seen = Date.now();

function connect() {
  const banner = document.getElementById("banner");
  const es = new EventSource("/api/live");
  es.onmessage = (m) => {
    seen = Date.now();
    banner.hidden = true;
    render(JSON.parse(m.data));
  };
  es.addEventListener("expired", () => {
    es.close();
    CG.ended();
  });
  es.onerror = () => {
    banner.hidden = false;
    // A closed stream that cannot reopen: the session may have ended.
    if (es.readyState === EventSource.CLOSED) setTimeout(() => CG.api("/api/session").then(connect, () => {}), 2000);
  };
}

document.addEventListener("DOMContentLoaded", async () => {
  session = await CG.start("overview");
  wireActions();
  connect();
  // A stream that stalls without an error is lost too.
  setInterval(() => {
    if (Date.now() - seen > 3000) document.getElementById("banner").hidden = false;
  }, 1000);
});
