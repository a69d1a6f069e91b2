/**
 * A tiny browser stand-in for route tests: keeps cookies like a browser would (by name, path /),
 * sends forms with the CSRF token of the last page it read, and never follows redirects.
 */
import type { TestCloud } from "../../testing/test-cloud.ts";

/** A page or response as the test sees it. */
export interface Got {
  status: number;
  location: string | null;
  html: string;
  headers: Headers;
}

export class WebClient {
  readonly cookies = new Map<string, string>();
  /** CSRF token found in the last HTML page read. */
  csrf: string | null = null;
  /** Raw Set-Cookie headers received, for attribute checks. */
  readonly setCookies: string[] = [];

  constructor(
    /** The app (a TestCloud), or anything else that answers requests, e.g. fetch to a served cloud. */
    private readonly cloud: Pick<TestCloud, "request">,
    private readonly origin = "http://localhost",
  ) {}

  private async send(path: string, init: RequestInit & { headers?: Record<string, string> }): Promise<Got> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const res = await this.cloud.request(`${this.origin}${path}`, {
      ...init,
      headers: { ...(cookie ? { cookie } : {}), ...init.headers },
    });
    for (const sc of res.headers.getSetCookie()) {
      this.setCookies.push(sc);
      const [pair] = sc.split(";");
      const [name, ...rest] = pair!.split("=");
      const value = rest.join("=");
      if (/max-age=0/i.test(sc) || value === "") this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value);
    }
    const html = await res.text();
    const m = /name="_csrf" value="([^"]+)"/.exec(html);
    if (m) this.csrf = m[1]!;
    return { status: res.status, location: res.headers.get("location"), html, headers: res.headers };
  }

  get(path: string): Promise<Got> {
    return this.send(path, { method: "GET" });
  }

  /** POST a form; `_csrf` defaults to the last page's token (pass null to omit it). */
  post(
    path: string,
    fields: Record<string, string> = {},
    opts: { csrf?: string | null; origin?: string; headers?: Record<string, string> } = {},
  ): Promise<Got> {
    const token = opts.csrf === undefined ? this.csrf : opts.csrf;
    const body = new URLSearchParams({ ...(token ? { _csrf: token } : {}), ...fields });
    return this.send(path, {
      method: "POST",
      body: body.toString(),
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: opts.origin ?? this.origin,
        ...opts.headers,
      },
    });
  }

  /** A client already signed in to the dashboard with a new admin token (role, optional site). */
  static async admin(
    cloud: Pick<TestCloud, "request" | "adminToken">,
    ...token: Parameters<TestCloud["adminToken"]>
  ): Promise<WebClient> {
    const w = new WebClient(cloud);
    await w.signInAdmin(await cloud.adminToken(...token));
    return w;
  }

  /** Sign in to the dashboard with an admin token. */
  async signInAdmin(token: string): Promise<void> {
    await this.get("/dashboard/login");
    const r = await this.post("/dashboard/login", { token });
    if (r.status !== 303) throw new Error(`admin sign-in failed: ${r.status} ${r.html.slice(0, 200)}`);
  }
}

/** The sign-in link of the last mail printed to the cloud's log for `email` (dev mailer). */
export function linkFromLog(cloud: TestCloud, email: string): string | null {
  const lines = (cloud.deps.logger as unknown as { lines: Record<string, unknown>[] }).lines;
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]!;
    if (l.to === email && typeof l.text === "string") {
      const m = /https?:\/\/\S+\/portal\/magic\/[A-Za-z0-9_-]+/.exec(l.text);
      if (m) return m[0];
    }
  }
  return null;
}

/** Sign a portal user in through the link the dev mailer printed to the log. */
export async function signInPortal(c: TestCloud, email: string): Promise<WebClient> {
  const w = new WebClient(c);
  await w.get("/portal/login");
  const asked = await w.post("/portal/login", { email });
  if (asked.status !== 200) throw new Error(`portal login answered ${asked.status}`);
  const link = linkFromLog(c, email);
  if (!link) throw new Error(`no sign-in link for ${email} in the log`);
  const landing = await w.get(new URL(link).pathname);
  if (landing.status !== 200) throw new Error(`magic link page answered ${landing.status}`);
  const token = new URL(link).pathname.split("/").pop()!;
  const r = await w.post("/portal/magic", { token });
  if (r.status !== 303) throw new Error(`magic link sign-in answered ${r.status}`);
  return w;
}

/** Add a portal user to a site the way an MSP technician does, on the dashboard. */
export async function addPortalUser(c: TestCloud, siteId: string, email: string): Promise<void> {
  const admin = await WebClient.admin(c, "msp-tech");
  await admin.get(`/dashboard/sites/${siteId}`);
  const r = await admin.post(`/dashboard/sites/${siteId}/portal-users`, { email, name: "Dr. Example" });
  if (r.status !== 303) throw new Error(`adding portal user ${email} answered ${r.status}`);
}
