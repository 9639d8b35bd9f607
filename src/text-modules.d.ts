// Text files imported with { type: "text" } are embedded in the executable by `bun build`.
declare module "*.in" {
  const text: string;
  export default text;
}
