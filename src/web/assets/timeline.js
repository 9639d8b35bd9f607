// The timeline: the agent's picture of both nodes over the chosen window (drawn on the agent, every text escaped
// there, in the lab timeline's colours), and the events beneath, filtered by kind and text, shown as text.

const { el } = CG;
let events = [];
const hidden = new Set();

function drawList() {
  const q = document.getElementById("search").value.toLowerCase();
  const rows = events
    .filter((e) => !hidden.has(e.kind))
    .filter((e) => q === "" || `${e.event} ${e.message} ${e.node}`.toLowerCase().includes(q))
    .slice()
    .reverse()
    .map((e) =>
      el(
        "tr",
        { class: `ev ev-${e.kind}` },
        el("td", {}, e.ts.replace("T", " ").slice(0, 23)),
        el("td", {}, e.node),
        el("td", {}, e.kind),
        el("td", {}, e.event),
        el("td", {}, e.message),
      ),
    );
  document.getElementById("events").replaceChildren(
    el(
      "tr",
      {},
      ["time (UTC)", "node", "kind", "event", "what"].map((h) => el("th", {}, h)),
    ),
    ...rows,
  );
}

async function load() {
  const hours = document.getElementById("hours").value;
  const r = await CG.api(`/api/timeline?hours=${encodeURIComponent(hours)}`);
  if (!r.ok) return;
  // The SVG is parsed as XML (not HTML) and adopted: no script runs from it (the CSP allows none inline either).
  const doc = new DOMParser().parseFromString(r.result.svg, "image/svg+xml");
  const svg = doc.documentElement;
  document
    .getElementById("picture")
    .replaceChildren(svg.nodeName === "svg" ? document.importNode(svg, true) : el("p", {}, "no picture"));
  events = r.result.events;
  drawList();
}

document.addEventListener("DOMContentLoaded", async () => {
  const s = await CG.start("timeline");
  document.getElementById("kinds").replaceChildren(
    el("span", { class: "muted" }, "show:"),
    ...s.kinds.map((k) =>
      el(
        "label",
        {},
        el("input", {
          type: "checkbox",
          checked: true,
          "data-kind": k,
          onchange: (ev) => {
            if (ev.target.checked) hidden.delete(k);
            else hidden.add(k);
            drawList();
          },
        }),
        ` ${k}`,
      ),
    ),
  );
  document.getElementById("search").addEventListener("input", drawList);
  document.getElementById("hours").addEventListener("change", load);
  await load();
  setInterval(load, 5000);
});
