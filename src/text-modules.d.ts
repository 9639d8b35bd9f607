// Text files imported with { type: "text" } are embedded in the executable by `bun build`.
declare module "*.in" {
  const text: string;
  export default text;
}
// The web console's pages, styles and scripts (src/web/assets/), served from the executable as they are.
declare module "*.html" {
  const text: string;
  export default text;
}
declare module "*.css" {
  const text: string;
  export default text;
}
declare module "*.js" {
  const text: string;
  export default text;
}
