/**
 * Rotation under a real pulumi CLI: a key becomes due between two `up`s because the provider's
 * clock (`LINODE_OBJKEY_NOW`, in the environment the CLI hands its plugins) moves, not because
 * time passes. The due `up` replaces it create-before-delete and the stack outputs change; the
 * reason shows in the preview; nothing changes afterwards.
 */
import { strict as assert } from "node:assert";
import { EngineRun, changes, engineRun, stateKeys } from "./harness";

const CREATED = "2026-01-01T00:00:00Z";
const REASON = "rotation_days (created 2026-01-01T00:00:00Z, due 2026-01-31T00:00:00Z)";
/** The provider's stderr line, which the engine shows under "Diagnostics" (it does not display `replaces`). */
const NOTICE = new RegExp(
  `Diagnostics:\\n  pulumi:pulumi:Stack \\(objkey-engine-test-rotation\\):\\n    Object Storage key "e2e-rotating" \\(access key \\w+\\) is due for rotation: rotation_days \\(created 2026-01-01T00:00:00Z, due 2026-01-31T00:00:00Z\\); pulumi up replaces it, creating the new key before revoking this one\\.`,
);

describe("engine: rotation under a real pulumi CLI", function () {
  let run: EngineRun;
  /** Sets the provider's clock for the next operations (the CLI passes its environment to the provider plugin). */
  const clock = (at: string) => {
    run.stack.workspace.envVars.LINODE_OBJKEY_NOW = at;
  };
  const outputs = async () => Object.fromEntries(Object.entries(await run.stack.outputs()).map(([k, v]) => [k, v.value as string]));
  const writes = () => run.emu.requests.filter((q) => q.method !== "GET").map((q) => `${q.method} ${q.path}`);
  const up = () => run.stack.up({ color: "never" });

  before(async () => {
    run = await engineRun({ stackName: "rotation", spec: { rotating: { label: "e2e-rotating", rotation_days: 30 } } });
  });
  after(async () => {
    await run?.close();
  });

  it("1. up creates the key and records when it was created and when it is due", async () => {
    clock(CREATED);
    const r = await up();
    assert.deepEqual(changes(r.summary), { create: 2 });
    const { rotating } = await stateKeys(run);
    assert.equal(rotating.outputs.created_at, CREATED);
    assert.equal(rotating.outputs.rotation_due_at, "2026-01-31T00:00:00Z");
  });

  it("2. a second before the due date, preview and up change nothing", async () => {
    clock("2026-01-30T23:59:59Z");
    await run.stack.preview({ color: "never", expectNoChanges: true });
    run.emu.clearRequests();
    const r = await up();
    assert.deepEqual(changes(r.summary), {});
    assert.deepEqual(writes(), []);
  });

  it("3. once due, preview shows the replacement with its reason: which input, when created, when due; and writes nothing", async () => {
    clock("2026-02-15T08:00:00Z");
    run.emu.clearRequests();
    const keys: (string[] | undefined)[] = [];
    const p = await run.stack.preview({ color: "never", onEvent: (e) => e.resourcePreEvent && keys.push(e.resourcePreEvent.metadata.keys) });
    assert.deepEqual(p.changeSummary, { replace: 1, same: 1 });
    assert.match(p.stdout, /\+- pulumi-nodejs:dynamic\/linode:ObjectStorageKey rotating replace/);
    assert.match(p.stdout, NOTICE, `preview shows the reason:\n${p.stdout}`);
    // The replaces entry itself reaches the event stream (Automation API onEvent, --event-log, --json).
    assert.ok(
      keys.some((k) => k?.length === 1 && k[0] === REASON),
      JSON.stringify(keys),
    );
    assert.deepEqual(writes(), []);
  });

  it("4. the due up replaces the key: exactly one create (POST, label PUT) then one DELETE of the old key, and the outputs change", async () => {
    const before = await outputs();
    run.emu.clearRequests();
    const r = await up();
    assert.deepEqual(changes(r.summary), { replace: 1 });
    assert.match(r.stdout, NOTICE, `up shows the reason:\n${r.stdout}`);
    const after = await outputs();
    assert.deepEqual(
      writes(),
      ["POST /v4/object-storage/keys", `PUT /v4/object-storage/keys/${after.rotatingId}`, `DELETE /v4/object-storage/keys/${before.rotatingId}`],
      "create (POST, label PUT) before delete",
    );
    assert.notEqual(after.rotatingId, before.rotatingId);
    assert.notEqual(after.rotatingSecret, before.rotatingSecret);
    assert.deepEqual(
      run.emu.keys().map((k) => String(k.id)),
      [after.rotatingId],
      "only the new key is left",
    );
    const { rotating } = await stateKeys(run);
    assert.equal(rotating.outputs.created_at, "2026-02-15T08:00:00Z");
    assert.equal(rotating.outputs.rotation_due_at, "2026-03-17T08:00:00Z");
  });

  it("5. a third up at the same clock changes nothing", async () => {
    run.emu.clearRequests();
    const r = await up();
    assert.deepEqual(changes(r.summary), {});
    assert.deepEqual(writes(), []);
    await run.stack.preview({ color: "never", expectNoChanges: true });
  });

  it("6. a longer period on a key not due updates in place with no API request; a new trigger replaces the key", async () => {
    const before = await outputs();
    run.spec.rotating = { label: "e2e-rotating", rotation_days: 365 };
    run.emu.clearRequests();
    const r = await up();
    assert.deepEqual(changes(r.summary), { update: 1 });
    assert.deepEqual(run.emu.requests, [], "no request at all");
    assert.equal((await stateKeys(run)).rotating.outputs.rotation_due_at, "2027-02-15T08:00:00Z");
    assert.equal((await outputs()).rotatingSecret, before.rotatingSecret);

    run.spec.rotating = { label: "e2e-rotating", rotation_days: 365, rotation_trigger: "incident-42" };
    const t = await up();
    assert.deepEqual(changes(t.summary), { replace: 1 });
    assert.ok(t.stdout.includes("rotating created replacement (") && t.stdout.includes("[diff: +rotation_trigger]"), t.stdout);
    assert.notEqual((await outputs()).rotatingSecret, before.rotatingSecret);
  });
});
