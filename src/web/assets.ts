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

/** The pages by path; all but /login need a session. (Bun's types call an .html import a bundle; with type "text" it is the file's text.) */
export const PAGES: Readonly<Record<string, string>> = {
  "/login": loginHtml as unknown as string,
  "/overview": overviewHtml as unknown as string,
  "/timeline": timelineHtml as unknown as string,
  "/config": configHtml as unknown as string,
};
