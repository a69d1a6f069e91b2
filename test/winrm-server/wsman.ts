/**
 * The WS-Management remote shell service (MS-WSMV 3.1.4.1 / MS-PSRP-free "cmd" shells):
 * Create, Command, Receive (long-poll with OperationTimeout, output split to fit MaxEnvelopeSize),
 * Signal and Delete, with the quota and timeout faults real Windows sends.
 */
import { randomUUID } from "node:crypto";
import {
  ACTION,
  CMD_RESOURCE,
  COMMAND_STATE_DONE,
  COMMAND_STATE_RUNNING,
  NS,
} from "../../agent/src/winrm/soap.ts";
import { escapeXml, findAllXml, findXml, parseXml, type XmlNode } from "../../agent/src/winrm/xml.ts";
import { runCommandLine } from "./cmd.ts";
import type { WindowsState } from "./state.ts";

/** Behaviour switches tests flip through POST /_sim/faults. */
export interface Faults {
  /** Answer the next N /wsman requests with a bare HTTP 500. */
  http500: number;
  /** Hold every /wsman response this long (ms) — for client timeouts. */
  delayMs: number;
  /** Commands stay "Running" this long (ms) before their output is available. */
  commandDelayMs: number;
  /** Command operations one shell accepts before MaxConcurrentOperationsPerUser faults. */
  maxOperationsPerShell: number;
  /** Shells one user may hold open (MaxShellsPerUser). */
  maxShellsPerUser: number;
}

export const defaultFaults = (): Faults => ({
  http500: 0,
  delayMs: 0,
  commandDelayMs: 0,
  maxOperationsPerShell: 1500,
  maxShellsPerUser: 30,
});

interface Cmd {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number;
  readyAt: number;
}
interface Shell {
  user: string;
  operations: number;
  commands: Map<string, Cmd>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function faultXml(subcode: string, code: number, text: string, machine: string): string {
  return (
    `<s:Fault><s:Code><s:Value>s:Receiver</s:Value><s:Subcode><s:Value>${subcode}</s:Value></s:Subcode></s:Code>` +
    `<s:Reason><s:Text xml:lang="en-US">${escapeXml(text)}</s:Text></s:Reason>` +
    `<s:Detail><f:WSManFault xmlns:f="${NS.f}" Code="${code}" Machine="${escapeXml(machine)}"><f:Message>${escapeXml(text)}</f:Message></f:WSManFault></s:Detail></s:Fault>`
  );
}

/** A reply: HTTP status and SOAP document. */
export interface SoapReply {
  status: 200 | 400 | 500;
  xml: string;
}

/** Holds the shells of one server. */
export class WsManService {
  readonly shells = new Map<string, Shell>();
  /** Actions served, in order (tests inspect shell resets). */
  readonly actions: string[] = [];

  constructor(
    readonly getState: () => WindowsState,
    readonly faults: Faults,
    readonly address: string,
  ) {}

  #reply(action: string, relatesTo: string, body: string, status: 200 | 500 = 200): SoapReply {
    return {
      status,
      xml:
        `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xml:lang="en-US" xmlns:s="${NS.s}" xmlns:a="${NS.a}" xmlns:x="${NS.x}" xmlns:w="${NS.w}" xmlns:rsp="${NS.rsp}" xmlns:p="${NS.p}">` +
        `<s:Header><a:Action>${action}</a:Action><a:MessageID>uuid:${randomUUID().toUpperCase()}</a:MessageID>` +
        `<a:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:To><a:RelatesTo>${escapeXml(relatesTo)}</a:RelatesTo></s:Header>` +
        `<s:Body>${body}</s:Body></s:Envelope>`,
    };
  }

  #fault(relatesTo: string, subcode: string, code: number, text: string): SoapReply {
    return this.#reply(
      "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault",
      relatesTo,
      faultXml(subcode, code, text, this.getState().hostname),
      500,
    );
  }

  /** Handle one decrypted SOAP request from an authenticated user. */
  async handle(xml: string, user: string): Promise<SoapReply> {
    let doc: XmlNode;
    try {
      doc = parseXml(xml);
    } catch (e) {
      return { status: 400, xml: `<error>${escapeXml((e as Error).message)}</error>` };
    }
    const header = findXml(doc, "Header");
    const action = (header && findXml(header, "Action")?.text.trim()) ?? "";
    const messageId = (header && findXml(header, "MessageID")?.text.trim()) ?? "";
    const shellId = header
      ? findAllXml(header, "Selector")
          .find((s) => s.attrs.Name === "ShellId")
          ?.text.trim()
      : undefined;
    const opTimeout = Number(
      /PT([\d.]+)S/.exec((header && findXml(header, "OperationTimeout")?.text) ?? "")?.[1] ?? 60,
    );
    const maxEnvelope = Number((header && findXml(header, "MaxEnvelopeSize")?.text) ?? 153_600);
    this.actions.push(action.slice(action.lastIndexOf("/") + 1));
    const machine = this.getState().hostname;

    if (action === ACTION.create) {
      const mine = [...this.shells.values()].filter((s) => s.user === user).length;
      if (mine >= this.faults.maxShellsPerUser) {
        return this.#fault(
          messageId,
          "w:QuotaLimit",
          2150859173,
          `The WS-Management service cannot process the request. This user is allowed a maximum number of ${this.faults.maxShellsPerUser} concurrent shells, which has been exceeded. Close existing shells or raise the quota for this user.`,
        );
      }
      const id = randomUUID().toUpperCase();
      this.shells.set(id, { user, operations: 0, commands: new Map() });
      return this.#reply(
        `${ACTION.create}Response`,
        messageId,
        `<x:ResourceCreated><a:Address>${escapeXml(this.address)}</a:Address><a:ReferenceParameters><w:ResourceURI>${CMD_RESOURCE}</w:ResourceURI>` +
          `<w:SelectorSet><w:Selector Name="ShellId">${id}</w:Selector></w:SelectorSet></a:ReferenceParameters></x:ResourceCreated>` +
          `<rsp:Shell><rsp:ShellId>${id}</rsp:ShellId><rsp:ResourceUri>${CMD_RESOURCE}</rsp:ResourceUri><rsp:Owner>${escapeXml(user)}</rsp:Owner>` +
          `<rsp:ClientIP>127.0.0.1</rsp:ClientIP><rsp:InputStreams>stdin</rsp:InputStreams><rsp:OutputStreams>stdout stderr</rsp:OutputStreams></rsp:Shell>`,
      );
    }

    const shell = shellId ? this.shells.get(shellId) : undefined;
    if (!shell || shell.user !== user) {
      return this.#fault(
        messageId,
        "w:InvalidSelectors",
        2150858843,
        `The request for the Windows Remote Shell with ShellId ${shellId ?? "(none)"} failed because the shell was not found on the server. Possible causes are: the specified ShellId is incorrect or the shell no longer exists on the server. Provide the correct ShellId or create a new shell and retry the operation.`,
      );
    }

    if (action === ACTION.command) {
      if (shell.operations >= this.faults.maxOperationsPerShell) {
        return this.#fault(
          messageId,
          "w:QuotaLimit",
          2150859174,
          `The WS-Management service cannot process the request. This user is allowed a maximum number of ${this.faults.maxOperationsPerShell} concurrent operations, which has been exceeded. Close existing operations for this user, or raise the quota for this user.`,
        );
      }
      shell.operations++;
      const line = findXml(doc, "CommandLine");
      const command = (line && findXml(line, "Command")?.text.trim()) ?? "";
      const args = line ? findAllXml(line, "Arguments").map((a) => a.text) : [];
      const r = runCommandLine(this.getState(), user, command, args);
      const id = randomUUID().toUpperCase();
      shell.commands.set(id, {
        stdout: Buffer.from(r.stdout, "utf8"),
        stderr: Buffer.from(r.stderr ?? "", "utf8"),
        exitCode: r.exitCode,
        readyAt: Date.now() + this.faults.commandDelayMs,
      });
      return this.#reply(
        `${ACTION.command}Response`,
        messageId,
        `<rsp:CommandResponse><rsp:CommandId>${id}</rsp:CommandId></rsp:CommandResponse>`,
      );
    }

    if (action === ACTION.receive) {
      const commandId = findXml(doc, "DesiredStream")?.attrs.CommandId ?? "";
      const cmd = shell.commands.get(commandId);
      if (!cmd)
        return this.#fault(
          messageId,
          "w:InvalidParameter",
          2150858770,
          `The command ${commandId} was not found in shell ${shellId}.`,
        );
      const wait = cmd.readyAt - Date.now();
      if (wait > 0) {
        await sleep(Math.min(wait, opTimeout * 1000));
        if (Date.now() < cmd.readyAt) {
          return this.#fault(
            messageId,
            "w:TimedOut",
            2150858793,
            "The WS-Management service cannot complete the operation within the time specified in OperationTimeout.",
          );
        }
      }
      // Stream data is base64 (4/3 larger); leave room for the envelope itself.
      let budget = Math.max(512, Math.floor(((maxEnvelope - 2048) * 3) / 4));
      const parts: string[] = [];
      for (const name of ["stdout", "stderr"] as const) {
        const take = cmd[name].subarray(0, budget);
        if (take.length)
          parts.push(
            `<rsp:Stream Name="${name}" CommandId="${commandId}">${take.toString("base64")}</rsp:Stream>`,
          );
        cmd[name] = cmd[name].subarray(take.length);
        budget -= take.length;
      }
      const done = cmd.stdout.length === 0 && cmd.stderr.length === 0;
      if (done) {
        parts.push(
          `<rsp:Stream Name="stdout" CommandId="${commandId}" End="true"></rsp:Stream><rsp:Stream Name="stderr" CommandId="${commandId}" End="true"></rsp:Stream>`,
          `<rsp:CommandState CommandId="${commandId}" State="${COMMAND_STATE_DONE}"><rsp:ExitCode>${cmd.exitCode}</rsp:ExitCode></rsp:CommandState>`,
        );
      } else
        parts.push(
          `<rsp:CommandState CommandId="${commandId}" State="${COMMAND_STATE_RUNNING}"></rsp:CommandState>`,
        );
      return this.#reply(
        `${ACTION.receive}Response`,
        messageId,
        `<rsp:ReceiveResponse>${parts.join("")}</rsp:ReceiveResponse>`,
      );
    }

    if (action === ACTION.signal) {
      const commandId = findXml(doc, "Signal")?.attrs.CommandId ?? "";
      shell.commands.delete(commandId);
      return this.#reply(`${ACTION.signal}Response`, messageId, "<rsp:SignalResponse/>");
    }

    if (action === ACTION.delete) {
      this.shells.delete(shellId as string);
      return this.#reply(`${ACTION.delete}Response`, messageId, "");
    }

    return this.#fault(
      messageId,
      "a:ActionNotSupported",
      2150858778,
      `The action ${action} is not supported by the service (${machine}).`,
    );
  }
}
