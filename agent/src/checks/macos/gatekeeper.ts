import { parseSpctl } from "./parse.ts";
import { toolDetect, yesNo } from "./tool.ts";

/** Gatekeeper assesses downloaded software (unsigned or unnotarised code does not run silently). */
export const gatekeeper = toolDetect({
  argv: ["spctl", "--status"],
  expected: "assessments enabled",
  parse: parseSpctl,
  judge: yesNo("enabled", "assessments enabled", "assessments disabled"),
});
