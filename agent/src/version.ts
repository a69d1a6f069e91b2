import pkg from "../../package.json" with { type: "json" };

/** The agent's version, taken from package.json at build time (inlined by `bun build --compile`). */
export const AGENT_VERSION: string = pkg.version;
