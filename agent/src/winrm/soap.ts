/**
 * WS-Management (MS-WSMV) SOAP envelopes for the remote shell: Create, Command, Receive, Signal,
 * Delete, and readers for their responses and faults. Pure: strings in, strings out.
 */
import { randomUUID } from "node:crypto";
import { WinRmFaultError, WinRmProtocolError } from "./errors.ts";
import { escapeXml, findAllXml, findXml, parseXml, type XmlNode } from "./xml.ts";

export const NS = {
  s: "http://www.w3.org/2003/05/soap-envelope",
  a: "http://schemas.xmlsoap.org/ws/2004/08/addressing",
  w: "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd",
  p: "http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd",
  x: "http://schemas.xmlsoap.org/ws/2004/09/transfer",
  rsp: "http://schemas.microsoft.com/wbem/wsman/1/windows/shell",
  f: "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault",
} as const;

export const ACTION = {
  create: "http://schemas.xmlsoap.org/ws/2004/09/transfer/Create",
  delete: "http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete",
  command: `${NS.rsp}/Command`,
  receive: `${NS.rsp}/Receive`,
  signal: `${NS.rsp}/Signal`,
} as const;

export const CMD_RESOURCE = `${NS.rsp}/cmd`;
export const SIGNAL_TERMINATE = `${NS.rsp}/signal/terminate`;
export const COMMAND_STATE_DONE = `${NS.rsp}/CommandState/Done`;
export const COMMAND_STATE_RUNNING = `${NS.rsp}/CommandState/Running`;
export const ANONYMOUS = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous";

/** Per-request header values. */
export interface HeaderOptions {
  to: string;
  action: string;
  shellId?: string;
  /** Bytes; what we allow the server to send back in one envelope. */
  maxEnvelopeSize: number;
  /** Seconds the server may hold a request (Receive long-poll) before a TimedOut fault. */
  operationTimeoutSec: number;
  options?: Record<string, string>;
  messageId?: string;
}

/** Build a complete request envelope. */
export function envelope(h: HeaderOptions, body: string): string {
  const selector = h.shellId
    ? `<w:SelectorSet><w:Selector Name="ShellId">${escapeXml(h.shellId)}</w:Selector></w:SelectorSet>`
    : "";
  const opts = h.options
    ? `<w:OptionSet>${Object.entries(h.options)
        .map(([k, v]) => `<w:Option Name="${escapeXml(k)}">${escapeXml(v)}</w:Option>`)
        .join("")}</w:OptionSet>`
    : "";
  return (
    `<?xml version="1.0" encoding="utf-8"?>` +
    `<s:Envelope xmlns:s="${NS.s}" xmlns:a="${NS.a}" xmlns:w="${NS.w}" xmlns:p="${NS.p}" xmlns:rsp="${NS.rsp}">` +
    `<s:Header><a:To>${escapeXml(h.to)}</a:To>` +
    `<a:ReplyTo><a:Address s:mustUnderstand="true">${ANONYMOUS}</a:Address></a:ReplyTo>` +
    `<w:MaxEnvelopeSize s:mustUnderstand="true">${h.maxEnvelopeSize}</w:MaxEnvelopeSize>` +
    `<a:MessageID>uuid:${h.messageId ?? randomUUID()}</a:MessageID>` +
    `<w:Locale xml:lang="en-US" s:mustUnderstand="false"/><p:DataLocale xml:lang="en-US" s:mustUnderstand="false"/>` +
    `<w:OperationTimeout>PT${h.operationTimeoutSec}S</w:OperationTimeout>` +
    `<w:ResourceURI s:mustUnderstand="true">${CMD_RESOURCE}</w:ResourceURI>` +
    `<a:Action s:mustUnderstand="true">${h.action}</a:Action>${selector}${opts}</s:Header>` +
    `<s:Body>${body}</s:Body></s:Envelope>`
  );
}

export const createBody = () =>
  "<rsp:Shell><rsp:InputStreams>stdin</rsp:InputStreams><rsp:OutputStreams>stdout stderr</rsp:OutputStreams></rsp:Shell>";

export const commandBody = (command: string, args: string[] = []) =>
  `<rsp:CommandLine><rsp:Command>${escapeXml(command)}</rsp:Command>${args
    .map((a) => `<rsp:Arguments>${escapeXml(a)}</rsp:Arguments>`)
    .join("")}</rsp:CommandLine>`;

export const receiveBody = (commandId: string) =>
  `<rsp:Receive><rsp:DesiredStream CommandId="${escapeXml(commandId)}">stdout stderr</rsp:DesiredStream></rsp:Receive>`;

export const signalBody = (commandId: string, code = SIGNAL_TERMINATE) =>
  `<rsp:Signal CommandId="${escapeXml(commandId)}"><rsp:Code>${code}</rsp:Code></rsp:Signal>`;

/** Parse a response document; a SOAP fault becomes a WinRmFaultError naming `where`. */
export function readResponse(xml: string, where: string): XmlNode {
  let doc: XmlNode;
  try {
    doc = parseXml(xml);
  } catch (e) {
    throw new WinRmProtocolError(`winrm: unreadable SOAP from ${where}: ${(e as Error).message}`, e);
  }
  const fault = findXml(doc, "Fault");
  if (fault) throw faultError(fault, where);
  return doc;
}

/** Turn a <s:Fault> into a typed error. */
export function faultError(fault: XmlNode, where: string): WinRmFaultError {
  const values = findAllXml(findXml(fault, "Code") ?? fault, "Value").map((n) => n.text.trim());
  const subcode = values[1] ?? values[0] ?? "unknown";
  const wsman = findXml(fault, "WSManFault");
  const code = wsman?.attrs.Code ? Number(wsman.attrs.Code) : undefined;
  const reason =
    (wsman && findXml(wsman, "Message")?.text.trim()) ||
    findXml(fault, "Text")?.text.trim() ||
    "(no reason given)";
  return new WinRmFaultError(
    subcode,
    code,
    reason,
    `winrm: ${where} answered fault ${subcode}${code ? ` (${code})` : ""}: ${reason}`,
  );
}

/** ShellId from a Create response. */
export function readShellId(doc: XmlNode): string {
  const id =
    findXml(doc, "ShellId")?.text ??
    findAllXml(doc, "Selector").find((s) => s.attrs.Name === "ShellId")?.text;
  if (!id) throw new WinRmProtocolError("winrm: Create response carries no ShellId");
  return id.trim();
}

/** CommandId from a Command response. */
export function readCommandId(doc: XmlNode): string {
  const id = findXml(doc, "CommandId")?.text;
  if (!id) throw new WinRmProtocolError("winrm: Command response carries no CommandId");
  return id.trim();
}

/** One Receive response: stream chunks in order, and the exit code once the command is done. */
export interface ReceiveChunk {
  stdout: Buffer;
  stderr: Buffer;
  done: boolean;
  exitCode: number | null;
}

export function readReceive(doc: XmlNode): ReceiveChunk {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  for (const s of findAllXml(doc, "Stream")) {
    const text = s.text.trim();
    if (!text) continue;
    (s.attrs.Name === "stderr" ? err : out).push(Buffer.from(text, "base64"));
  }
  const state = findXml(doc, "CommandState");
  const done = Boolean(state?.attrs.State?.endsWith("CommandState/Done"));
  const exit = state ? findXml(state, "ExitCode")?.text : undefined;
  return {
    stdout: Buffer.concat(out),
    stderr: Buffer.concat(err),
    done,
    exitCode: done ? Number(exit ?? 0) : null,
  };
}
