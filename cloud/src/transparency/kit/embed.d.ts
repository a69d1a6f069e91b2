// The kit's README and verifier are imported as text (`with { type: "text" }`) so a compiled cloud embeds them.
declare module "*.kit.md" {
  const text: string;
  export default text;
}
declare module "*.py" {
  const text: string;
  export default text;
}
