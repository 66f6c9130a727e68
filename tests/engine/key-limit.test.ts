/**
 * Issue 18, the account's key limit, through the real engine: 7 keys declared on an account
 * limited to 5. What `pulumi up` displays, what state holds, and that raising the limit is enough.
 */
import { strict as assert } from "node:assert";
import type { ObjectStorageKeyArgs } from "../../provider";
import { assertAccountHolds, changes, engineRun, stateKeys } from "./harness";

describe("engine: the account's key limit (issue 18)", function () {
  it("limit 5, 7 keys: 5 created, 2 fail saying usage, limit and what to do; nothing orphaned; after the limit is raised the next up creates the 2", async () => {
    const spec: Record<string, ObjectStorageKeyArgs> = {};
    for (let i = 1; i <= 7; i++) spec[`k${i}`] = { label: `limit-key-${i}` };
    const run = await engineRun({ stackName: "key-limit", spec, emulator: { keyLimit: 5 } });
    try {
      let out = "";
      const failed = await run.stack.up({ color: "never", onOutput: (s) => (out += s) }).then(
        () => false,
        (e: Error) => ((out += e.message), true),
      );
      assert.ok(failed, "the up fails");
      const refusals = out.match(/The account holds 5 Object Storage access keys and its limit is 5/g) ?? [];
      assert.ok(refusals.length >= 2, `both refused creates are explained in the engine's output:\n${out}`);
      assert.match(out, /Revoke keys nobody uses/);
      assert.match(out, /npx linode-objkey untracked/);
      assert.match(out, /ask Linode support to raise the limit/);

      let state = await stateKeys(run);
      assert.equal(Object.keys(state).length, 5, "5 keys in state");
      assertAccountHolds(
        run,
        Object.values(state).map((r) => r.id),
        "every key on the account is in state: none orphaned",
      );

      run.emu.setKeyLimit(10);
      const second = await run.stack.up({ color: "never" });
      assert.deepEqual(changes(second.summary), { create: 2 });
      state = await stateKeys(run);
      assert.equal(Object.keys(state).length, 7);
      assertAccountHolds(
        run,
        Object.values(state).map((r) => r.id),
      );
      await run.stack.destroy({ color: "never" });
      assert.equal(run.emu.keys().length, 0);
    } finally {
      await run.close();
    }
  });
});
