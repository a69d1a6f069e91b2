/**
 * Typed WinRM errors. Each names the endpoint and says what a technician should check; none ever
 * carries a password. `retryable` says whether trying again later can help.
 */

/** Base of every WinRM failure. `kind` is stable for programs; `message` is for people. */
export class WinRmError extends Error {
  override name = "WinRmError";
  readonly retryable: boolean = false;
  constructor(
    readonly kind:
      | "auth"
      | "connect"
      | "dns"
      | "tls"
      | "plain-http"
      | "http"
      | "timeout"
      | "fault"
      | "protocol",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** 401: the server refused the credentials (wrong password, wrong user, or auth scheme off). */
export class WinRmAuthError extends WinRmError {
  override name = "WinRmAuthError";
  constructor(message: string) {
    super("auth", message);
  }
}

/** The host could not be reached: connection refused, unreachable, or its name does not resolve. */
export class WinRmConnectError extends WinRmError {
  override name = "WinRmConnectError";
  override readonly retryable = true;
  constructor(kind: "connect" | "dns", message: string, cause?: unknown) {
    super(kind, message, { cause });
  }
}

/** The TLS certificate is not the one pinned, or is untrusted and nothing was pinned. */
export class WinRmTlsError extends WinRmError {
  override name = "WinRmTlsError";
  constructor(
    message: string,
    readonly fingerprint?: string,
  ) {
    super("tls", message);
  }
}

/**
 * HTTPS was asked for, but the port answered the TLS handshake in plain HTTP (a 5985-style
 * listener): no certificate to trust or pin, the transport setting or port is wrong.
 */
export class WinRmPlainHttpError extends WinRmError {
  override name = "WinRmPlainHttpError";
  constructor(message: string) {
    super("plain-http", message);
  }
}

/** A non-SOAP HTTP error status (e.g. a 500 from a broken listener or proxy). */
export class WinRmHttpError extends WinRmError {
  override name = "WinRmHttpError";
  override readonly retryable = true;
  constructor(
    readonly status: number,
    message: string,
  ) {
    super("http", message);
  }
}

/** An operation exceeded its deadline. */
export class WinRmTimeoutError extends WinRmError {
  override name = "WinRmTimeoutError";
  override readonly retryable = true;
  constructor(message: string) {
    super("timeout", message);
  }
}

/** A WS-Management SOAP fault, with its subcode (e.g. w:QuotaLimit) and WSManFault code. */
export class WinRmFaultError extends WinRmError {
  override name = "WinRmFaultError";
  constructor(
    readonly subcode: string,
    readonly wsmanCode: number | undefined,
    readonly reason: string,
    message: string,
  ) {
    super("fault", message);
  }
  /** MaxConcurrentOperationsPerUser / MaxShellsPerUser and friends: recoverable by resetting the shell. */
  get isQuota(): boolean {
    return /QuotaLimit/i.test(this.subcode) || this.wsmanCode === 2150859174 || this.wsmanCode === 2150859173;
  }
  /** The OperationTimeout of a Receive elapsed with the command still running (normal long-poll end). */
  get isOperationTimeout(): boolean {
    return /TimedOut/i.test(this.subcode) || this.wsmanCode === 2150858793;
  }
  /** The shell the request named no longer exists on the server. */
  get isShellGone(): boolean {
    return this.wsmanCode === 2150858843 || /InvalidSelectors/i.test(this.subcode);
  }
}

/** The peer answered something we cannot read (bad XML, bad seal, unexpected auth exchange). */
export class WinRmProtocolError extends WinRmError {
  override name = "WinRmProtocolError";
  constructor(message: string, cause?: unknown) {
    super("protocol", message, { cause });
  }
}
