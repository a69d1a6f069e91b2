/**
 * A minimal browser for the cloud's web pages: keeps cookies, reads the CSRF field of the last
 * page, posts forms with a same-origin Origin header — enough to sign in to the dashboard with an
 * admin token and to the portal with a magic link, as a person would.
 */
export class WebSession {
  private readonly cookies = new Map<string, string>();
  private csrf: string | undefined;

  constructor(readonly base: string) {}

  private remember(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/max-age=0/i.test(c) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    return { ...(cookie ? { cookie } : {}), ...extra };
  }

  /** GET a page (redirects not followed); remembers cookies and the page's CSRF token. */
  async get(path: string): Promise<{ status: number; html: string; location: string | null }> {
    const res = await fetch(new URL(path, this.base), { headers: this.headers(), redirect: "manual" });
    this.remember(res);
    const html = await res.text();
    const m = /name="_csrf" value="([^"]+)"/.exec(html);
    if (m) this.csrf = m[1];
    return { status: res.status, html, location: res.headers.get("location") };
  }

  /** POST a form with the last page's CSRF token. */
  async post(
    path: string,
    fields: Record<string, string>,
  ): Promise<{ status: number; html: string; location: string | null }> {
    const body = new URLSearchParams({ ...fields, ...(this.csrf ? { _csrf: this.csrf } : {}) });
    const res = await fetch(new URL(path, this.base), {
      method: "POST",
      headers: this.headers({
        "content-type": "application/x-www-form-urlencoded",
        origin: new URL(this.base).origin,
      }),
      body,
      redirect: "manual",
    });
    this.remember(res);
    return { status: res.status, html: await res.text(), location: res.headers.get("location") };
  }
}

/** Sign in to the MSP dashboard with an admin token. */
export async function dashboardSession(base: string, adminToken: string): Promise<WebSession> {
  const s = new WebSession(base);
  await s.get("/dashboard/login");
  const r = await s.post("/dashboard/login", { token: adminToken });
  if (r.status !== 303) throw new Error(`dashboard sign-in → ${r.status}: ${r.html.slice(0, 300)}`);
  return s;
}

/** Invite a portal user to a site through the dashboard's form. */
export async function invitePortalUser(
  admin: WebSession,
  siteId: string,
  email: string,
  name: string,
): Promise<void> {
  await admin.get(`/dashboard/sites/${siteId}`);
  const r = await admin.post(`/dashboard/sites/${siteId}/portal-users`, { email, name });
  if (r.status >= 400) throw new Error(`portal user invite → ${r.status}: ${r.html.slice(0, 300)}`);
}

/** Ask the portal for a sign-in link (the cloud mails it, or logs it when no SMTP is configured). */
export async function requestMagicLink(base: string, email: string): Promise<void> {
  const s = new WebSession(base);
  await s.get("/portal/login");
  const r = await s.post("/portal/login", { email });
  if (r.status !== 200) throw new Error(`portal sign-in request → ${r.status}: ${r.html.slice(0, 300)}`);
}

/** The newest sign-in link in the cloud's log lines (the dev mailer logs the mail text). */
export function magicLinkIn(lines: readonly string[]): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /(https?:\/\/[^\s"\\]+\/portal\/magic\/[A-Za-z0-9_-]+)/.exec(lines[i]!);
    if (m) return m[1];
  }
  return undefined;
}

/** Follow a magic link like the person would: open it, confirm, get a portal session. */
export async function portalSession(link: string): Promise<WebSession> {
  const url = new URL(link);
  const s = new WebSession(url.origin);
  await s.get(url.pathname);
  const token = url.pathname.split("/").pop()!;
  const r = await s.post("/portal/magic", { token });
  if (r.status !== 303) throw new Error(`magic link sign-in → ${r.status}: ${r.html.slice(0, 300)}`);
  return s;
}
