// The shared timeline picture: every text from a record is escaped; spans, marks and cables land where their times say.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { escapeXml, renderTimeline, type TimelineModel } from "../../src/log/timeline-svg.ts";

const HOSTILE = `</text><script>alert(1)</script><text a="'&`;

const model = (o: Partial<TimelineModel> = {}): TimelineModel => ({
  title: "t",
  t0: 0,
  t1: 10_000,
  rows: [
    {
      label: "node a",
      spans: [
        { from: 0, to: 5000, state: "STANDBY" },
        { from: 5000, to: 10_000, state: "ACTIVE" },
      ],
      marks: [{ at: 5000, label: "fenced", title: "fence-confirmed" }],
    },
  ],
  cables: [{ label: "udp", cuts: [{ from: 2000, to: 3000 }] }],
  ...o,
});

test("escapeXml turns every character that could open or end markup into an entity", () => {
  assert.is(escapeXml(`<a href="x" b='y'>&</a>`), "&lt;a href=&quot;x&quot; b=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
});

test("a hostile title, row label, state, mark label and tooltip, and cable name come out as text", () => {
  const svg = renderTimeline(
    model({
      title: HOSTILE,
      rows: [
        {
          label: HOSTILE,
          spans: [{ from: 0, to: 10_000, state: HOSTILE }],
          marks: [{ at: 1000, label: HOSTILE, title: HOSTILE }],
        },
      ],
      cables: [{ label: HOSTILE, cuts: [] }],
    }),
  );
  assert.not.match(svg, /<script/);
  assert.not.match(svg, /<\/text><script/);
  assert.ok(svg.split("&lt;script&gt;").length - 1 >= 6, "each hostile text is there, escaped");
  assert.is(
    (svg.match(/<text/g) ?? []).length,
    (svg.match(/<\/text>/g) ?? []).length,
    "every <text> closes where it should",
  );
});

test("spans, marks and cuts are placed by time along the axis (90 to 980 px), states in their colours", () => {
  const svg = renderTimeline(model());
  assert.match(svg, /<rect x="90" y="30" width="445" height="24" fill="#6a9fd8"[^>]*><title>STANDBY<\/title>/);
  assert.match(svg, /<rect x="535" y="30" width="445" height="24" fill="#4caf50"[^>]*><title>ACTIVE<\/title>/);
  assert.match(svg, /<line x1="535" [^>]*><title>fence-confirmed<\/title><\/line><text x="537" [^>]*>fenced<\/text>/);
  assert.match(svg, /<rect x="268" y="105" width="89" height="6" fill="#d32f2f"><title>udp down<\/title>/);
  assert.match(svg, />0s<\/text>/);
});

test.run();
