/**
 * Standalone WinRM test server: `bun test/winrm-server/main.ts --port 5985 --user U --password P
 * [--hostname NAME] [--bind 127.0.0.2] [--compliant] [--role server|domain-controller|workstation]
 * [--tls-key k.pem --tls-cert c.pem]`. Prints one JSON line with
 * the URL once listening; stops on SIGINT/SIGTERM.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { startWinRmServer } from "./server.ts";
import {
  asWorkstation,
  compliantState,
  defaultState,
  type WindowsState,
  withDomainController,
} from "./state.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "5985" },
    user: { type: "string" },
    password: { type: "string" },
    hostname: { type: "string", default: "CLINIC-FS01" },
    bind: { type: "string", default: "127.0.0.1" },
    compliant: { type: "boolean", default: false },
    role: { type: "string", default: "server" },
    "tls-key": { type: "string" },
    "tls-cert": { type: "string" },
  },
});
const password = values.password ?? process.env.WINRM_TEST_PASSWORD;
if (!values.user || !password) {
  process.stderr.write(
    "usage: bun test/winrm-server/main.ts --port N --user U --password P (or WINRM_TEST_PASSWORD)\n",
  );
  process.exit(2);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`--port: "${values.port}" is not a TCP port\n`);
  process.exit(2);
}
// The control API has no authentication: the test host never listens beyond loopback.
if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(values.bind)) {
  process.stderr.write(`--bind: "${values.bind}" is not a loopback address (127.x.y.z)\n`);
  process.exit(2);
}
const tls =
  values["tls-key"] && values["tls-cert"]
    ? { key: readFileSync(values["tls-key"], "utf8"), cert: readFileSync(values["tls-cert"], "utf8") }
    : undefined;
function asRole(s: WindowsState): WindowsState {
  if (values.role === "domain-controller") return withDomainController(s, Boolean(values.compliant));
  if (values.role === "workstation") return asWorkstation(s);
  if (values.role !== "server") {
    process.stderr.write(`--role: "${values.role}" is not server, domain-controller or workstation\n`);
    process.exit(2);
  }
  return s;
}
const server = await startWinRmServer({
  user: values.user,
  password,
  port,
  hostname: values.bind,
  tls,
  state: asRole(values.compliant ? compliantState(values.hostname) : defaultState(values.hostname)),
});
process.stdout.write(
  `${JSON.stringify({ url: server.url, port: server.port, hostname: server.state.hostname })}\n`,
);
const stop = async () => {
  await server.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
