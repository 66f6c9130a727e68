/**
 * The live API's rules under a real pulumi CLI (issue 8, points 1 and 2): programs the live API
 * accepts go through `pulumi up`, show no changes on the next up, preview and refresh, and are
 * destroyed. The emulator permutes the order of its answers (seed printed), so every step also
 * proves that the API's order causes no diff and no output churn.
 */
import { strict as assert } from "node:assert";
import { EngineRun, changes, engineRun, stateKeys } from "./harness";

describe("engine: programs the live API accepts", function () {
  let run: EngineRun;
  const up = async () => {
    const r = await run.stack.up({ color: "never" });
    run.record(r, false);
    return r;
  };
  /** Each key's outputs in state, without the serialized provider and the secret. */
  const outputsInState = async () => {
    const state = await stateKeys(run);
    return Object.fromEntries(
      Object.entries(state).map(([name, r]) => {
        const { __provider: _p, secret_key: _s, ...rest } = r.outputs;
        return [name, rest];
      }),
    );
  };

  before(async () => {
    run = await engineRun({
      stackName: "live-rules",
      spec: {
        // Point 1: regions that leave out the bucket's region (live 2024-07 answered the union).
        union: {
          label: "live-union",
          include_regions_details: true,
          regions: ["us-east"],
          bucket_access: [{ bucket_name: "iad-bucket", permissions: "read_only", region: "us-iad" }],
        },
        // Point 2: the same bucket with two permissions (live 2026-05-06).
        twoPerms: {
          label: "live-two-perms",
          bucket_access: [
            { bucket_name: "shared-bucket", permissions: "read_write", region: "us-east" },
            { bucket_name: "shared-bucket", permissions: "read_only", region: "us-east" },
          ],
        },
      },
    });
    console.log(`      emulator order seed: ${run.emu.orderSeed} (LINODE_EMULATOR_ORDER_SEED replays or varies it)`);
  });
  after(async () => {
    await run?.close();
  });

  it("up creates both keys; the outputs show both regions and both permissions", async () => {
    const r = await up();
    assert.deepEqual(changes(r.summary), { create: 3 });
    assert.match(r.stdout, /\+ 3 created/);
    // A create POSTs under its create marker (the label comes with a PUT): the union key's POST is the one for iad-bucket.
    const posts = run.emu.requests.filter((q) => q.method === "POST").map((q) => q.body as { regions?: string[]; bucket_access?: { bucket_name: string }[] });
    const union = posts.find((b) => b.bucket_access?.some((e) => e.bucket_name === "iad-bucket"));
    assert.deepEqual(union?.regions, ["us-east"], "sent as declared");
    const outs = await outputsInState();
    assert.deepEqual(outs.union.regions, ["us-east", "us-iad"]);
    // Live figures, not the emulator's table: the 2024-07 recording answered the union of `regions`
    // and the bucket's region (reference notes linode-object-storage-keys-api.md §8), and these are
    // the two regions' endpoints as live listed them on 2026-05-06 (linodego's recorded
    // `test/integration/fixtures/TestObjectStorageKey_List.yaml`).
    assert.deepEqual(outs.union.regions_details, [
      { id: "us-east", s3_endpoint: "us-east-1.linodeobjects.com", endpoint_type: "E0" },
      { id: "us-iad", s3_endpoint: "us-iad-1.linodeobjects.com", endpoint_type: "E1" },
    ]);
    assert.deepEqual(
      (outs.twoPerms.bucket_access as { bucket_name: string; permissions: string }[]).map((b) => `${b.bucket_name}:${b.permissions}`),
      ["shared-bucket:read_only", "shared-bucket:read_write"],
    );
    assert.deepEqual(
      run.emu
        .keys()
        .map((k) => k.label)
        .sort(),
      ["live-two-perms", "live-union"],
    );
  });

  it("a second up, preview --expect-no-changes and refresh --expect-no-changes change nothing, and the outputs stay the same", async () => {
    const before = await outputsInState();
    run.emu.clearRequests();
    const r = await up();
    assert.deepEqual(changes(r.summary), {});
    assert.doesNotMatch(r.stdout, /~ \d+ updated|\+- \d+ replaced/);
    const p = await run.stack.preview({ color: "never", expectNoChanges: true });
    run.record(p, false);
    const f = await run.stack.refresh({ color: "never", expectNoChanges: true });
    run.record(f, false);
    assert.deepEqual(changes(f.summary), {});
    assert.deepEqual(await outputsInState(), before, "no output churn from the API's order");
    assert.equal(run.emu.requests.filter((q) => q.method === "PUT" || q.method === "DELETE").length, 0);
  });

  it("a regions change updates in place with a PUT that keeps the bucket's region", async () => {
    run.spec.union = { ...run.spec.union, regions: ["us-ord"] };
    run.emu.clearRequests();
    const r = await up();
    assert.deepEqual(changes(r.summary), { update: 1 });
    assert.deepEqual(
      run.emu.requests.filter((q) => q.method !== "GET").map((q) => [q.method, q.body]),
      [["PUT", { regions: ["us-ord", "us-iad"] }]],
    );
    assert.deepEqual((await outputsInState()).union.regions, ["us-iad", "us-ord"]);
    assert.deepEqual(changes((await up()).summary), {});
  });

  it("destroy revokes both keys", async () => {
    const d = await run.stack.destroy({ color: "never" });
    run.record(d, false);
    assert.equal(run.emu.keys().length, 0);
  });
});
