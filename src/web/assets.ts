// The console's pages, styles and scripts, embedded in the executable at build time (imported as text): nothing is
// fetched from anywhere else, at build or at run time.
import configHtml from "./assets/config.html" with { type: "text" };
import configJs from "./assets/config.js" with { type: "text" };
import consoleCss from "./assets/console.css" with { type: "text" };
import commonJs from "./assets/common.js" with { type: "text" };
import loginHtml from "./assets/login.html" with { type: "text" };
import loginJs from "./assets/login.js" with { type: "text" };
import overviewHtml from "./assets/overview.html" with { type: "text" };
import overviewJs from "./assets/overview.js" with { type: "text" };
import timelineHtml from "./assets/timeline.html" with { type: "text" };
import timelineJs from "./assets/timeline.js" with { type: "text" };

/** A file served as it is: its bytes and its content type. */
export interface Asset {
  body: string;
  type: string;
}

const JS = "text/javascript; charset=utf-8";

/** /assets/NAME */
export const ASSETS: Readonly<Record<string, Asset>> = {
  "console.css": { body: consoleCss, type: "text/css; charset=utf-8" },
  "common.js": { body: commonJs, type: JS },
  "login.js": { body: loginJs, type: JS },
  "overview.js": { body: overviewJs, type: JS },
  "timeline.js": { body: timelineJs, type: JS },
  "config.js": { body: configJs, type: JS },
};

/**
 * A whole page: the head every page shares (its title, the stylesheet, `scripts`), the navigation for the pages
 * behind the login, then the page's own body (the .html asset holds only that).
 */
function page(title: string, scripts: string[], body: string, nav = true): string {
  const js = scripts.map((s) => `<script src="/assets/${s}" defer></script>\n`).join("");
  const header = nav
    ? `<header>
<span class="brand">clusterguard</span>
<a href="/overview">Overview</a>
<a href="/timeline">Timeline</a>
<a href="/config">Configuration</a>
<span class="who" id="who"></span>
<button id="logout" type="button">Log out</button>
</header>
`
    : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>clusterguard console: ${title}</title>
<link rel="stylesheet" href="/assets/console.css">
${js}</head>
<body>
${header}${body}</body>
</html>
`;
}

/** The pages by path; all but /login need a session. (Bun's types call an .html import a bundle; with type "text" it is the file's text.) */
export const PAGES: Readonly<Record<string, string>> = {
  "/login": page("log in", ["login.js"], loginHtml as unknown as string, false),
  "/overview": page("overview", ["common.js", "overview.js"], overviewHtml as unknown as string),
  "/timeline": page("timeline", ["common.js", "timeline.js"], timelineHtml as unknown as string),
  "/config": page("configuration", ["common.js", "config.js"], configHtml as unknown as string),
};
