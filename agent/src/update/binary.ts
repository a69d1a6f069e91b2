/**
 * The path of the running `malachor` executable when it is the compiled binary (then
 * process.execPath is that file), or undefined when running from source under `bun`, where there
 * is no binary of ours to replace. Bun.main, not import.meta.path: a `--bytecode` build keeps the
 * source paths in import.meta but still runs its entry point from the embedded file system.
 */
export function runningBinary(): string | undefined {
  const main = Bun.main;
  return main.startsWith("/$bunfs/") || main.startsWith("B:/~BUN/") ? process.execPath : undefined;
}
