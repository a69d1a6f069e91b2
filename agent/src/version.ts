import pkg from "../../package.json" with { type: "json" };

// Set only by `bun build --define MALACHOR_VERSION='"x.y.z"'` (release and update tests build
// a binary with a version other than package.json's); undefined in every ordinary build.
declare const MALACHOR_VERSION: string | undefined;

/** The agent's version, taken from package.json at build time (inlined by `bun build --compile`). */
export const AGENT_VERSION: string = typeof MALACHOR_VERSION === "string" ? MALACHOR_VERSION : pkg.version;
