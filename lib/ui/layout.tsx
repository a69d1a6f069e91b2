import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import { STYLE } from "./style.ts";

/** One link of the top navigation. */
export interface NavItem {
  href: string;
  label: string;
}

/** Everything the page shell needs besides the page's own content. */
export interface LayoutProps {
  title: string;
  /** Which audience the page is for, shown beside the brand ("MSP dashboard", "Client portal", …). */
  audience: string;
  /** Where the brand links to. */
  home: string;
  nav?: NavItem[];
  /** The nav href of the section this page belongs to, to mark it. */
  current?: string;
  /** Signed-in person and the sign-out form target (omitted on public pages). */
  who?: { name: string; logoutAction: string; csrf: string };
  /** Script URLs (same origin) for progressive enhancement. */
  scripts?: string[];
  /** Seconds after which the browser reloads the page (status pages). */
  refreshSec?: number;
  children?: Child;
}

/** The page shell shared by all three audiences: head, top bar, main, footer. */
export function Layout(p: LayoutProps) {
  return (
    <>
      {raw("<!doctype html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          {p.refreshSec ? <meta http-equiv="refresh" content={String(p.refreshSec)} /> : null}
          <title>{`${p.title} · Malachor`}</title>
          <style>{raw(STYLE)}</style>
        </head>
        <body>
          <header class="top">
            <a class="brand" href={p.home}>
              Malachor
            </a>
            <span class="audience">{p.audience}</span>
            {p.nav && p.nav.length > 0 ? (
              <nav aria-label="main">
                {p.nav.map((n) => (
                  <a href={n.href} aria-current={isCurrent(n.href, p.current) ? "page" : undefined}>
                    {n.label}
                  </a>
                ))}
              </nav>
            ) : null}
            {p.who ? (
              <div class="who">
                <span>{p.who.name}</span>
                <form class="inline" method="post" action={p.who.logoutAction}>
                  <input type="hidden" name="_csrf" value={p.who.csrf} />
                  <button type="submit">Sign out</button>
                </form>
              </div>
            ) : null}
          </header>
          <main>{p.children}</main>
          <footer class="page">Malachor · HIPAA Security Rule compliance automation</footer>
          {(p.scripts ?? []).map((s) => (
            <script src={s} defer />
          ))}
        </body>
      </html>
    </>
  );
}

function isCurrent(href: string, current: string | undefined): boolean {
  return current === href;
}
