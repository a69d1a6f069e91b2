import type { Hono } from "hono";
import * as v from "valibot";
import { describeIssues } from "../../../../protocol/common.ts";
import { TargetSecret, TargetSpec } from "../../../../protocol/targets.ts";
import type { CloudDeps } from "../../deps.ts";
import { getSite } from "../../sites/list.ts";
import { createTarget } from "../../targets/create.ts";
import { deleteTarget } from "../../targets/delete.ts";
import { listTargets } from "../../targets/list.ts";
import { listDevices } from "../../targets/list-devices.ts";
import { rotateCredential } from "../../targets/rotate.ts";
import { adminPage } from "../auth/guard.ts";
import { type WebEnv, webCtx } from "../env.ts";
import { WebError } from "../errors.tsx";
import { siteUrl } from "./shell.tsx";
import { DevicesPage } from "./targets-page.tsx";

const checked = <S extends v.GenericSchema>(schema: S, input: unknown, what: string): v.InferOutput<S> => {
  const r = v.safeParse(schema, input);
  // Issues name the field and the rule, never the value typed (it may be a password).
  if (!r.success) throw new WebError(400, "Please check the form", `${what}: ${describeIssues(r.issues)}`);
  return r.output;
};

/** The secret a form carries: a password, else an SSH private key. */
function secretOf(form: Record<string, string>) {
  const input = form.password
    ? { kind: "password", password: form.password }
    : { kind: "ssh-key", privateKey: (form.privateKey ?? "").replaceAll("\r\n", "\n") };
  return checked(TargetSecret, input, "credential");
}

function specOf(form: Record<string, string>) {
  const port = form.port?.trim() ? Number(form.port) : undefined;
  const common = {
    host: form.host?.trim() ?? "",
    username: form.username?.trim() ?? "",
    ...(port ? { port } : {}),
  };
  const input =
    form.kind === "ssh"
      ? { kind: "ssh", ...common, os: form.os === "macos" ? "macos" : "linux" }
      : {
          kind: "windows",
          ...common,
          transport: form.transport ?? "http-ntlm",
          ...(form.domain?.trim() ? { domain: form.domain.trim() } : {}),
        };
  return checked(TargetSpec, input, "target");
}

/** The site's devices and targets page: make a discovered device a target, rotate, remove. */
export function registerTargetPages(web: Hono<WebEnv>, deps: CloudDeps): void {
  const page = adminPage;
  web.get("/dashboard/sites/:siteId/devices", page(deps), async (c) => {
    const ctx = webCtx(c, deps);
    const site = await getSite({ ctx, input: { siteId: c.req.param("siteId") } });
    const [devices, targets] = await Promise.all([
      listDevices({ ctx, input: { siteId: site.id } }),
      listTargets({ ctx, input: { siteId: site.id } }),
    ]);
    const actor = c.get("actor");
    return c.html(
      <DevicesPage
        web={c.get("web")}
        site={site}
        devices={devices.devices}
        targets={targets}
        canWrite={actor.type === "admin" && actor.role !== "read-only"}
        host={(c.req.query("host") ?? "").slice(0, 253)}
        now={deps.clock.now()}
        done={c.req.query("done")}
      />,
    );
  });

  const back = (siteId: string, done: string) => `${siteUrl(siteId)}/devices?done=${done}`;

  web.post("/dashboard/sites/:siteId/targets", page(deps, "msp-tech"), async (c) => {
    const form = c.get("web").form;
    const siteId = c.req.param("siteId");
    await createTarget({
      ctx: webCtx(c, deps),
      input: { siteId, spec: specOf(form), secret: secretOf(form) },
    });
    return c.redirect(back(siteId, "target-created"), 303);
  });

  web.post("/dashboard/sites/:siteId/targets/:targetId/credential", page(deps, "msp-tech"), async (c) => {
    const siteId = c.req.param("siteId");
    await rotateCredential({
      ctx: webCtx(c, deps),
      input: { siteId, targetId: c.req.param("targetId"), secret: secretOf(c.get("web").form) },
    });
    return c.redirect(back(siteId, "credential-rotated"), 303);
  });

  web.post("/dashboard/sites/:siteId/targets/:targetId/delete", page(deps, "msp-tech"), async (c) => {
    const siteId = c.req.param("siteId");
    await deleteTarget({ ctx: webCtx(c, deps), input: { siteId, targetId: c.req.param("targetId") } });
    return c.redirect(back(siteId, "target-deleted"), 303);
  });
}
