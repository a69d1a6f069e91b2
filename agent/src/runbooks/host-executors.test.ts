import { expect, test } from "bun:test";
import { HostExecutors } from "./host-executors.ts";

test("the appliance's own shell runs scripts; on a simulated appliance they are refused by name", async () => {
  const real = new HostExecutors("clinic-appliance", []);
  expect(await real.get("clinic-appliance")?.run("echo ok", { params: {} }, 5_000)).toMatchObject({
    stdout: "ok\n",
    exitCode: 0,
  });
  const simulated = new HostExecutors("clinic-appliance", [], new Map(), "/etc/malachor/host-profile.toml");
  await expect(simulated.get("clinic-appliance")!.run("echo ok", { params: {} }, 5_000)).rejects.toThrow(
    "clinic-appliance is simulated by the host profile /etc/malachor/host-profile.toml: runbooks are not run on this machine",
  );
  expect(simulated.get("elsewhere")).toBeUndefined();
});
