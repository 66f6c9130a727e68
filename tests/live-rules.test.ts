/**
 * The live API's rules (reference §8, issue 8), through the provider against the emulator: what
 * live accepts goes through check, create, diff, read and update; the account's own regions; and
 * outputs that do not depend on the order the API lists things in.
 */
import { strict as assert } from "node:assert";
import { LIVE_ENDPOINTS } from "../emulator/catalogue";
import { Emulator, EmulatorOptions, startEmulator } from "../emulator/server";
import type { ObjectStorageKeyProvider } from "./provider-class";
import type { KeyInputs, KeyOutputs } from "../provider/codecs";
import { LIVE_CLUSTERS, MARKER, calls, markedBody, providerFor, withProvider } from "./helpers";

/** check, then create, as the engine runs them; returns the checked inputs, id and outputs. */
async function checkAndCreate(p: ObjectStorageKeyProvider, raw: Record<string, unknown>) {
  const checked = await p.check({} as KeyInputs, { ...raw, __provider: "code" } as unknown as KeyInputs);
  assert.deepEqual(checked.failures, undefined, "check accepts it");
  const created = await p.create(checked.inputs!);
  return { inputs: checked.inputs!, id: created.id, outs: created.outs! };
}

/**
 * Live figures, written here rather than read from the emulator's tables, so that a wrong table
 * fails a test. Source: linodego's recorded exchange `test/integration/fixtures/TestObjectStorageKey_List.yaml`
 * (github.com/linode/linodego), `POST /v4beta/object-storage/keys` with `{"label":"go-test-def"}`
 * only, answered 2026-05-06 02:22:10 GMT: the key got these 20 endpoints in 18 regions, listed in
 * this order (reference notes linode-object-storage-keys-api.md §8: "20 endpoints in 18 regions").
 */
const LIVE_DEFAULT_KEY_ENDPOINTS_2026_05_06: readonly { id: string; s3_endpoint: string; endpoint_type: string }[] = [
  { id: "ap-south", s3_endpoint: "ap-south-1.linodeobjects.com", endpoint_type: "E0" },
  { id: "br-gru", s3_endpoint: "br-gru-1.linodeobjects.com", endpoint_type: "E1" },
  { id: "es-mad", s3_endpoint: "es-mad-1.linodeobjects.com", endpoint_type: "E1" },
  { id: "eu-central", s3_endpoint: "eu-central-1.linodeobjects.com", endpoint_type: "E0" },
  { id: "fr-par", s3_endpoint: "fr-par-1.linodeobjects.com", endpoint_type: "E1" },
  { id: "id-cgk", s3_endpoint: "id-cgk-1.linodeobjects.com", endpoint_type: "E1" },
  { id: "in-maa", s3_endpoint: "in-maa-1.linodeobjects.com", endpoint_type: "E1" },
  { id: "it-mil", s3_endpoint: "it-mil-1.linodeobjects.com", endpoint_type: "E1" },
  { id: "jp-osa", s3_endpoint: "jp-osa-1.linodeobjects.com", endpoint_type: "E1" },
  { id: "nl-ams", s3_endpoint: "nl-ams-1.linodeobjects.com", endpoint_type: "E1" },
  { id: "se-sto", s3_endpoint: "se-sto-1.linodeobjects.com", endpoint_type: "E1" },
  { id: "us-east", s3_endpoint: "us-east-1.linodeobjects.com", endpoint_type: "E0" },
  { id: "us-iad", s3_endpoint: "us-iad-1.linodeobjects.com", endpoint_type: "E1" },
  { id: "us-lax", s3_endpoint: "us-lax-1.linodeobjects.com", endpoint_type: "E1" },
  { id: "us-lax", s3_endpoint: "us-lax-4.linodeobjects.com", endpoint_type: "E3" },
  { id: "us-mia", s3_endpoint: "us-mia-1.linodeobjects.com", endpoint_type: "E1" },
  { id: "us-ord", s3_endpoint: "us-ord-1.linodeobjects.com", endpoint_type: "E1" },
  { id: "us-ord", s3_endpoint: "us-ord-10.linodeobjects.com", endpoint_type: "E3" },
  { id: "us-sea", s3_endpoint: "us-sea-1.linodeobjects.com", endpoint_type: "E1" },
  { id: "us-southeast", s3_endpoint: "us-southeast-1.linodeobjects.com", endpoint_type: "E0" },
];

/**
 * jp-tyo-3's one endpoint in the live endpoint list: linodego's `TestObjectStorageBucketCert.yaml`,
 * `GET /v4beta/object-storage/endpoints`, 2026-04-30 (reference notes §8: "`jp-tyo-3` (E3,
 * `jp-tyo-1.linodeobjects.com`)").
 */
const LIVE_JP_TYO_3_ENDPOINT = { id: "jp-tyo-3", s3_endpoint: "jp-tyo-1.linodeobjects.com", endpoint_type: "E3" };

/** Writes as [method, body]; a create is its POST under a marker, then the PUT of its label. */
const writes = (emu: Emulator) => emu.requests.filter((r) => r.method !== "GET").map((r) => [r.method, r.method === "POST" ? markedBody(r.body) : r.body]);

describe("live rules through the provider", () => {
  const ctx = withProvider();
  let emu: Emulator;
  let p: ObjectStorageKeyProvider;
  beforeEach(() => ({ emu, p } = ctx));

  it("1. regions that leave out a bucket's region: created as declared, outputs show both, no diff after create or read", async () => {
    const raw = { label: "union-key", regions: ["us-east"], bucket_access: [{ bucket_name: "iad-bucket", permissions: "read_only", region: "us-iad" }] };
    const { inputs, id, outs } = await checkAndCreate(p, raw);
    assert.deepEqual(writes(emu), [
      ["POST", { label: MARKER, bucket_access: raw.bucket_access, regions: ["us-east"] }],
      ["PUT", { label: "union-key" }],
    ]);
    assert.deepEqual(outs.regions, ["us-east", "us-iad"]);
    assert.deepEqual(await p.diff(id, outs, inputs), { changes: false, replaces: [], deleteBeforeReplace: false });
    for (let i = 0; i < 3; i++) {
      const read = await p.read(id, outs);
      assert.deepEqual(read.props, outs, "a read gives the same outputs, whatever order the API answered in");
      assert.equal((await p.diff(id, read.props!, inputs)).changes, false);
    }
  });

  it("1. a regions change sends a PUT that keeps the bucket's region, and the next diff is empty", async () => {
    const access = [{ bucket_name: "iad-bucket", permissions: "read_only", region: "us-iad" }];
    const { id, outs } = await checkAndCreate(p, { label: "union-put", regions: ["us-east"], bucket_access: access });
    emu.clearRequests();
    const news = (await p.check({} as KeyInputs, { label: "union-put", regions: ["us-ord"], bucket_access: access } as unknown as KeyInputs)).inputs!;
    const d = await p.diff(id, outs, news);
    assert.deepEqual([d.changes, d.replaces], [true, []]);
    const updated = await p.update(id, outs, news);
    assert.deepEqual(writes(emu), [["PUT", { regions: ["us-ord", "us-iad"] }]]);
    assert.deepEqual(updated.outs!.regions, ["us-iad", "us-ord"]);
    assert.equal((await p.diff(id, updated.outs!, news)).changes, false);
  });

  it("2. the same bucket with two permissions: created, both entries in outputs, no diff in any order; one entry less replaces", async () => {
    const entry = (permissions: string) => ({ bucket_name: "shared", permissions, region: "us-east" });
    const { id, outs } = await checkAndCreate(p, { label: "two-perms", bucket_access: [entry("read_only"), entry("read_write")] });
    assert.deepEqual(outs.bucket_access, [
      { cluster: "us-east-1", bucket_name: "shared", permissions: "read_only", region: "us-east" },
      { cluster: "us-east-1", bucket_name: "shared", permissions: "read_write", region: "us-east" },
    ]);
    assert.equal((await p.diff(id, outs, { label: "two-perms", bucket_access: [entry("read_write"), entry("read_only")] } as KeyInputs)).changes, false);
    assert.equal(
      (await p.diff(id, (await p.read(id, outs)).props!, { label: "two-perms", bucket_access: [entry("read_only"), entry("read_write")] } as KeyInputs))
        .changes,
      false,
    );
    assert.deepEqual((await p.diff(id, outs, { label: "two-perms", bucket_access: [entry("read_write")] } as KeyInputs)).replaces, ["bucket_access"]);
  });

  it("2. an exact duplicate entry fails at check, naming it, with no request", async () => {
    const e = { bucket_name: "shared", permissions: "read_only", region: "us-east" };
    const r = await p.check({} as KeyInputs, { label: "dup-key", bucket_access: [e, e] } as unknown as KeyInputs);
    assert.deepEqual(
      r.failures!.map((f) => f.property),
      ["bucket_access[1]"],
    );
    assert.equal(emu.requests.length, 0);
  });

  it("3. region and cluster that agree: accepted at check with no request, sent as region; disagreeing ones fail", async () => {
    const agree = await p.check(
      {} as KeyInputs,
      { label: "both-key", bucket_access: [{ bucket_name: "b1b", permissions: "read_only", region: "us-east", cluster: "us-east-1" }] } as unknown as KeyInputs,
    );
    assert.deepEqual(agree.failures, undefined);
    const disagree = await p.check(
      {} as KeyInputs,
      { label: "both-key", bucket_access: [{ bucket_name: "b1b", permissions: "read_only", region: "us-east", cluster: "us-lax-1" }] } as unknown as KeyInputs,
    );
    assert.deepEqual(
      disagree.failures!.map((f) => f.property),
      ["bucket_access[0].cluster"],
    );
    assert.equal(emu.requests.length, 0);
    await p.create(agree.inputs!);
    assert.deepEqual(writes(emu), [
      ["POST", { label: MARKER, bucket_access: [{ bucket_name: "b1b", permissions: "read_only", region: "us-east" }] }],
      ["PUT", { label: "both-key" }],
    ]);
  });

  it("6. the legacy clusters live reports are sent as their regions and compare equal to the API's answer", async () => {
    for (const [cluster, region] of LIVE_CLUSTERS) {
      emu.clearRequests();
      const raw = { label: `cluster-${region}`, bucket_access: [{ bucket_name: "legacy", permissions: "read_only", cluster }] };
      const { id, inputs, outs } = await checkAndCreate(p, raw);
      assert.deepEqual(writes(emu), [
        ["POST", { label: MARKER, bucket_access: [{ bucket_name: "legacy", permissions: "read_only", region }] }],
        ["PUT", { label: raw.label }],
      ]);
      assert.deepEqual(outs.bucket_access, [{ cluster, bucket_name: "legacy", permissions: "read_only", region }]);
      assert.equal((await p.diff(id, outs, inputs)).changes, false);
    }
  });
});

describe("live rules: the account's regions", () => {
  async function withAccount<T>(opts: EmulatorOptions, fn: (emu: Emulator, p: ObjectStorageKeyProvider) => Promise<T>): Promise<T> {
    const emu = await startEmulator(opts);
    try {
      return await fn(emu, await providerFor(emu));
    } finally {
      await emu.close();
    }
  }

  it("4. an unlimited key gets the account's default regions: the live account's 18 regions and 20 endpoints of 2026-05-06, 2 regions on another", async () => {
    await withAccount({}, async (_emu, p) => {
      const { outs } = await checkAndCreate(p, { label: "default-account", include_regions_details: true });
      const live = LIVE_DEFAULT_KEY_ENDPOINTS_2026_05_06;
      assert.deepEqual(outs.regions, [...new Set(live.map((e) => e.id))], "the 18 regions live gave a key created with only a label");
      assert.deepEqual(outs.regions_details, live, "the 20 endpoints live listed for them, sorted by region, type and host as live listed them");
    });
    await withAccount({ defaultRegions: ["us-iad", "us-east"] }, async (_emu, p) => {
      const { id, inputs, outs } = await checkAndCreate(p, { label: "small-account" });
      assert.deepEqual(outs.regions, ["us-east", "us-iad"]);
      assert.equal((await p.diff(id, outs, inputs)).changes, false);
    });
  });

  it("4. jp-tyo-3, in the live catalogue, is usable; a region missing from the account's catalogue fails at apply with the API's error", async () => {
    await withAccount({}, async (_emu, p) => {
      const { outs } = await checkAndCreate(p, {
        label: "tokyo-key",
        include_regions_details: true,
        bucket_access: [{ bucket_name: "tyo", permissions: "read_write", region: "jp-tyo-3" }],
      });
      assert.deepEqual(outs.regions_details, [LIVE_JP_TYO_3_ENDPOINT]);
    });
    await withAccount({ catalogue: LIVE_ENDPOINTS.filter((e) => e.region !== "jp-tyo-3") }, async (emu, p) => {
      const checked = await p.check({} as KeyInputs, { label: "tokyo-key", regions: ["jp-tyo-3"] } as unknown as KeyInputs);
      assert.deepEqual(checked.failures, undefined, "check cannot know the account's regions: the API decides");
      await assert.rejects(p.create(checked.inputs!), /HTTP 400.*regions\[0\]/);
      assert.equal(emu.keys().length, 0);
    });
  });

  it("5. outputs and diffs are the same whatever order the API answers in (6 seeds and sorted)", async () => {
    const program: Record<string, unknown>[] = [
      { label: "order-unlimited" },
      { label: "order-regional", regions: ["us-lax", "us-ord", "us-east"] },
      {
        label: "order-limited",
        regions: ["us-ord"],
        bucket_access: [
          { bucket_name: "b-two", permissions: "read_write", region: "us-lax" },
          { bucket_name: "b-one", permissions: "read_only", region: "us-east" },
          { bucket_name: "b-one", permissions: "read_write", region: "us-east" },
          { bucket_name: "b-three", permissions: "read_only", cluster: "us-iad-1" },
        ],
      },
    ];
    const views: string[] = [];
    for (const orderSeed of [null, 1, 2, 3, 4, 5, 6]) {
      const view = await withAccount({ orderSeed }, async (emu, p) => {
        const seen: Omit<KeyOutputs, "access_key" | "secret_key">[] = [];
        for (const raw of program) {
          const { id, inputs, outs } = await checkAndCreate(p, raw);
          for (let i = 0; i < 3; i++) {
            const read = (await p.read(id, outs)).props!;
            assert.deepEqual(read, outs, `seed ${orderSeed}: read ${i} of ${raw.label} equals its create outputs`);
            assert.equal((await p.diff(id, read, inputs)).changes, false, `seed ${orderSeed}: no diff for ${raw.label}`);
          }
          emu.clearRequests();
          assert.deepEqual(await p.update(id, outs, inputs), { outs }, "an update with nothing changed sends nothing");
          assert.deepEqual(calls(emu), []);
          // The key's own values and the clock's differ from key to key; the rest must not.
          const { access_key: _a, secret_key: _s, created_at: _c, rotation_due_at: _d, ...rest } = outs;
          seen.push(rest);
        }
        return JSON.stringify(seen);
      });
      views.push(view);
    }
    assert.equal(new Set(views).size, 1, "every seed gives the same outputs");
  });
});
