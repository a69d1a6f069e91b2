import type { Child } from "hono/jsx";
import { Layout } from "../../../../lib/ui/layout.tsx";
import { APP_JS_PATH } from "../assets.ts";
import type { WebVars } from "../env.ts";

/** URL helpers of the portal, all under the user's own site. */
export const portalUrl = (siteId: string, rest = "") => `/portal/s/${encodeURIComponent(siteId)}${rest}`;

/** The portal's page shell: its navigation and the signed-in person. */
export function PortalShell(p: {
  web: WebVars;
  siteId: string;
  title: string;
  current: string;
  children: Child;
}) {
  const u = (r: string) => portalUrl(p.siteId, r);
  return (
    <Layout
      title={p.title}
      audience="Client portal"
      home={u("")}
      current={p.current}
      nav={[
        { href: u(""), label: "Overview" },
        { href: u("/report"), label: "Compliance report" },
        { href: u("/program"), label: "Program" },
        { href: u("/evidence"), label: "Evidence" },
        { href: u("/packet"), label: "Printable packet" },
      ]}
      who={{ name: p.web.user.name, logoutAction: "/portal/logout", csrf: p.web.csrf }}
      scripts={[APP_JS_PATH]}
    >
      {p.children}
    </Layout>
  );
}
