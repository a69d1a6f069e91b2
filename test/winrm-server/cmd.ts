/**
 * cmd.exe as WinRS runs it: the command line limit, `echo …>>file` appends (how long scripts are
 * uploaded in pieces), `powershell -EncodedCommand` and native programs.
 */
import { Interpreter, type NativeResult } from "./ps/interp.ts";
import type { WindowsState } from "./state.ts";
import { nativeCommand, windowsHost } from "./windows.ts";

/** cmd.exe refuses longer command lines. */
export const CMD_LINE_LIMIT = 8191;

function expandEnv(s: string, env: Record<string, string>): string {
  return s.replace(/%(\w+)%/g, (all, name: string) => {
    const k = Object.keys(env).find((x) => x.toLowerCase() === name.toLowerCase());
    return k === undefined ? all : (env[k] as string);
  });
}

/** Run one WinRS command (command + arguments) against the simulated machine. */
export function runCommandLine(
  state: WindowsState,
  user: string,
  command: string,
  args: string[] = [],
): NativeResult {
  const line = [command, ...args].join(" ").trim();
  if (line.length > CMD_LINE_LIMIT)
    return { stdout: "", stderr: "The command line is too long.\r\n", exitCode: 1 };
  const host = windowsHost(state, user);
  const echo = /^echo\s+(.*?)\s*>>\s*"?([^"]+)"?\s*$/i.exec(line);
  if (echo) {
    const path = expandEnv(echo[2] as string, host.env);
    host.writeFile(path, `${host.readFile(path) ?? ""}${echo[1]}\r\n`);
    return { stdout: "", exitCode: 0 };
  }
  const words = line.split(/\s+/);
  const exe = (words[0] ?? "").toLowerCase().replace(/\.exe$/, "");
  if (exe === "powershell") {
    const i = words.findIndex((w) => /^-e(c|nc|ncodedcommand|ncodedc\w*)?$/i.test(w));
    let script: string;
    if (i > 0 && words[i + 1]) script = Buffer.from(words[i + 1] as string, "base64").toString("utf16le");
    else {
      const c = words.findIndex((w) => /^-c(ommand)?$/i.test(w));
      if (c < 0)
        return {
          stdout: "",
          stderr: "powershell: only -EncodedCommand and -Command are supported here\r\n",
          exitCode: 1,
        };
      script = words
        .slice(c + 1)
        .join(" ")
        .replace(/^"|"$/g, "");
    }
    return new Interpreter(host).run(script);
  }
  const native = nativeCommand(state, exe, words.slice(1), Date.now);
  if (native) return native;
  return {
    stdout: "",
    stderr: `'${words[0]}' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n`,
    exitCode: 1,
  };
}
