import type { Child } from "hono/jsx";
import { Notice } from "../../../../lib/ui/components.tsx";
import { Layout } from "../../../../lib/ui/layout.tsx";

const WHY: Record<string, string> = {
  idle: "You were signed out after 15 minutes without activity.",
  expired: "Your session ended. Please sign in again.",
  revoked: "Your access was withdrawn or has expired.",
  "signed-out": "You are signed out.",
  none: "Please sign in.",
};

/** Explanation for a `why` query parameter (unknown values show nothing). */
export function whyText(why: string | undefined): string | null {
  return why ? (WHY[why] ?? null) : null;
}

/** Dashboard sign-in: paste an admin token once; the browser then holds a session cookie. */
export function AdminSignIn(p: { pre: string; next?: string; why?: string | null; error?: string }) {
  return (
    <SignInCard
      title="Sign in"
      audience="MSP dashboard"
      home="/dashboard"
      heading="MSP dashboard"
      error={p.error}
      why={p.why}
    >
      <form method="post" action="/dashboard/login">
        <input type="hidden" name="_csrf" value={p.pre} />
        {p.next ? <input type="hidden" name="next" value={p.next} /> : null}
        <div class="field">
          <label for="token">Admin token</label>
          <input
            id="token"
            name="token"
            type="password"
            autocomplete="off"
            required
            style="width:100%"
            placeholder="mla_…"
          />
        </div>
        <button type="submit">Sign in</button>
      </form>
      <p class="muted small">
        An admin token is <span class="mono">mla_</span> followed by 43 letters, digits,{" "}
        <span class="mono">-</span> and <span class="mono">_</span>; an msp-admin issues it (
        <span class="mono">POST /api/tokens</span>). It is exchanged for a session that ends after 15 idle
        minutes.
      </p>
    </SignInCard>
  );
}

/** Portal sign-in: ask for an e-mail address to send a link to. */
export function PortalSignIn(p: { pre: string; why?: string | null; error?: string; email?: string }) {
  return (
    <SignInCard
      title="Sign in"
      audience="Client portal"
      home="/portal"
      heading="Compliance portal"
      error={p.error}
      why={p.why}
    >
      <p>Enter your e-mail address and we will send you a sign-in link. No password needed.</p>
      <form method="post" action="/portal/login">
        <input type="hidden" name="_csrf" value={p.pre} />
        <div class="field">
          <label for="email">E-mail address</label>
          <input id="email" name="email" type="email" required style="width:100%" value={p.email} />
        </div>
        <button type="submit">Send me a sign-in link</button>
      </form>
    </SignInCard>
  );
}

/** After requesting a link: the same answer whether or not the address is known. */
export function CheckInbox(p: { email: string }) {
  return (
    <SignInCard
      title="Check your e-mail"
      audience="Client portal"
      home="/portal"
      heading="Check your e-mail"
      testid="check-inbox"
    >
      <p>
        If <strong>{p.email}</strong> may use the portal, a sign-in link is on its way. It works once and
        expires in 15 minutes.
      </p>
      <p>
        <a href="/portal/login">Use another address</a>
      </p>
    </SignInCard>
  );
}

/**
 * Landing page of a link: one button that signs in. The link is not used up by merely opening it,
 * so mail scanners that prefetch links cannot burn it.
 */
export function ConfirmMagicLink(p: { pre: string; token: string }) {
  return (
    <SignInCard
      title="Sign in"
      audience="Client portal"
      home="/portal"
      heading="Sign in to the compliance portal"
    >
      <form method="post" action="/portal/magic">
        <input type="hidden" name="_csrf" value={p.pre} />
        <input type="hidden" name="token" value={p.token} />
        <button type="submit">Continue to the portal</button>
      </form>
    </SignInCard>
  );
}

/** The sign-in card every sign-in page is: its heading, why the person is here (or what went wrong), then the page's own part. */
function SignInCard(p: {
  title: string;
  audience: string;
  home: string;
  heading: string;
  testid?: string;
  error?: string;
  why?: string | null;
  children?: Child;
}) {
  return (
    <Layout title={p.title} audience={p.audience} home={p.home}>
      <div class="card login" data-testid={p.testid}>
        <h1>{p.heading}</h1>
        {p.error ? (
          <Notice kind="error">{p.error}</Notice>
        ) : p.why ? (
          <Notice kind="info">{p.why}</Notice>
        ) : null}
        {p.children}
      </div>
    </Layout>
  );
}
