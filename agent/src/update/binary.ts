/**
 * The path of the running `malachor` executable when it is the compiled binary (then
 * process.execPath is that file), or undefined when running from source under `bun`, where there
 * is no binary of ours to replace.
 */
export function runningBinary(): string | undefined {
  const path = import.meta.path;
  return path.startsWith("/$bunfs/") || path.startsWith("B:/~BUN/") ? process.execPath : undefined;
}
