// Rule files are imported as text (`with { type: "text" }`) so the compiled binary embeds them.
declare module "*.rules.toml" {
  const text: string;
  export default text;
}
