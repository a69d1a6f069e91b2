/** An update step that failed; the message names the step and what to do. */
export class UpdateError extends Error {
  override name = "UpdateError";
  constructor(
    readonly step: "download" | "verify" | "install" | "health" | "rollback",
    message: string,
  ) {
    super(`update ${step}: ${message}`);
  }
}
