import { strict as assert } from "node:assert";
import { LIVE_CLUSTERS } from "../helpers";
import fc from "fast-check";
import { codecs } from "../../provider/codecs";
import * as pulumi from "@pulumi/pulumi";
import { accessSignature, clusterToRegion, keyRegions } from "../../provider/access";
import { diffKey, updateBody } from "../../provider/diff";
import { createBody, toOutputs } from "../../provider/outputs";
import { UNKNOWN, containsUnknown } from "../../provider/unknowns";
import { validateInputs } from "../../provider/validation";
import type { ApiKey, KeyInputs, KeyOutputs } from "../../provider/codecs";

const failuresOf = (raw: Record<string, unknown>) => validateInputs(raw).failures;
const propsOf = (raw: Record<string, unknown>) => failuresOf(raw).map((f) => f.property);

const apiKey = (over: Partial<ApiKey> = {}): ApiKey =>
  ({
    id: 7,
    label: "my-key",
    access_key: "AKAKAKAKAKAKAKAKAKAK",
    secret_key: "fresh-secret-value",
    limited: false,
    bucket_access: null,
    regions: [
      { id: "us-ord", s3_endpoint: "us-ord-1.linodeobjects.com", endpoint_type: "E1" },
      { id: "us-ord", s3_endpoint: "us-ord-10.linodeobjects.com", endpoint_type: "E3" },
    ],
    ...over,
  }) as ApiKey;

describe("rules: the unknown value", () => {
  it("is the SDK's public pulumi.runtime.unknownValue", () => {
    assert.equal(UNKNOWN, pulumi.runtime.unknownValue);
  });
});

describe("rules: check (validateInputs)", () => {
  it("trims the label and accepts 3 to 50 characters", () => {
    assert.deepEqual(validateInputs({ label: "  abc  " }), { inputs: { label: "abc" }, failures: [] });
    assert.deepEqual(failuresOf({ label: "x".repeat(50) }), []);
    assert.deepEqual(propsOf({ label: "ab" }), ["label"]);
    assert.deepEqual(propsOf({ label: "x".repeat(51) }), ["label"]);
    assert.deepEqual(propsOf({ label: "     " }), ["label"]);
  });

  it("requires a string label and names the reason", () => {
    const [f] = failuresOf({});
    assert.equal(f.property, "label");
    assert.match(f.reason, /required/);
    assert.match(failuresOf({ label: 42 })[0].reason, /must be a string, not a number/);
    assert.match(failuresOf({ label: "line\nbreak" })[0].reason, /control characters/);
  });

  it("names nested properties of bucket_access", () => {
    const raw = {
      label: "abc",
      bucket_access: [
        { bucket_name: "ok-bucket", permissions: "read_only", region: "us-east" },
        { bucket_name: "ok-bucket-2", permissions: "write", region: "us-east" },
        { bucket_name: "Bad_Name", permissions: "read_write", region: "us-east" },
        { bucket_name: "b3b", permissions: "read_write" },
        { bucket_name: "b4b", permissions: "read_write", region: "us-east", cluster: "us-ord-1" },
        { bucket_name: "b5b", permissions: "read_write", cluster: "us-east" },
      ],
    };
    assert.deepEqual(propsOf(raw), [
      "bucket_access[1].permissions",
      "bucket_access[2].bucket_name",
      "bucket_access[3].region",
      "bucket_access[4].cluster",
      "bucket_access[5].cluster",
    ]);
  });

  it("accepts region ids that end in a digit and maps legacy clusters by stripping -<number>", () => {
    assert.deepEqual(failuresOf({ label: "abc", bucket_access: [{ bucket_name: "bkt", permissions: "read_only", region: "de-fra-2" }] }), []);
    // The cluster ids live reports (reference §8), and "" for regions that never had one.
    for (const [cluster, region] of [...LIVE_CLUSTERS, ["", ""]]) assert.equal(clusterToRegion(cluster), region, cluster);
    assert.equal(clusterToRegion("us-ord-10"), "us-ord");
    assert.equal(clusterToRegion("de-fra-2-1"), "de-fra-2");
  });

  it("refuses a cluster that cannot name a region: empty, or a newer region's S3 host name", () => {
    const withCluster = (cluster: string) => ({ label: "abc", bucket_access: [{ bucket_name: "bkt", permissions: "read_only", cluster }] });
    assert.deepEqual(propsOf(withCluster("")), ["bucket_access[0].cluster"]);
    const [f] = failuresOf(withCluster("de-fra-1"));
    assert.equal(f.property, "bucket_access[0].cluster");
    assert.match(f.reason, /S3 host name of region de-fra-2.*set region: "de-fra-2"/);
    assert.deepEqual(failuresOf(withCluster("us-iad-1")), []);
  });

  it("accepts region and cluster together when they agree (live), and fails naming both when they do not", () => {
    const entry = (cluster: string) => ({ label: "abc", bucket_access: [{ bucket_name: "bkt", permissions: "read_only", region: "us-east", cluster }] });
    const ok = validateInputs(entry("us-east-1"));
    assert.deepEqual(ok, { inputs: { label: "abc", bucket_access: [{ bucket_name: "bkt", permissions: "read_only", region: "us-east" }] }, failures: [] });
    const [f] = failuresOf(entry("us-ord-1"));
    assert.equal(f.property, "bucket_access[0].cluster");
    assert.match(f.reason, /"us-ord-1" is the legacy cluster of us-ord, but region is "us-east"/);
  });

  it("rejects null, empty and malformed lists", () => {
    assert.deepEqual(propsOf({ label: "abc", bucket_access: null }), ["bucket_access"]);
    assert.deepEqual(propsOf({ label: "abc", regions: [] }), ["regions"]);
    assert.deepEqual(propsOf({ label: "abc", regions: null }), ["regions"]);
    assert.deepEqual(propsOf({ label: "abc", regions: ["US-EAST"] }), ["regions[0]"]);
    assert.deepEqual(propsOf({ label: "abc", bucket_access: "bucket" }), ["bucket_access"]);
  });

  it("accepts regions that leave out a bucket's region, as live does (the key gets both)", () => {
    const raw = { label: "abc", regions: ["us-east"], bucket_access: [{ bucket_name: "bkt", permissions: "read_only", cluster: "us-iad-1" }] };
    assert.deepEqual(failuresOf(raw), []);
    assert.deepEqual(validateInputs(raw).inputs.regions, ["us-east"]);
  });

  it("accepts the same bucket with two permissions (live), refuses an exact repeat, and unknown properties", () => {
    const dup = { bucket_name: "bkt", permissions: "read_only", region: "us-east" };
    assert.deepEqual(failuresOf({ label: "abc", bucket_access: [dup, { ...dup, permissions: "read_write" }] }), []);
    const [f] = failuresOf({
      label: "abc",
      bucket_access: [dup, { ...dup, permissions: "read_write" }, { bucket_name: "bkt", permissions: "read_only", cluster: "us-east-1" }],
    });
    assert.equal(f.property, "bucket_access[2]");
    assert.match(f.reason, /repeats bucket_access\[0\] exactly \(bucket "bkt" in us-east, read_only\): remove one/);
    assert.deepEqual(propsOf({ label: "abc", bucketAccess: [] }), ["bucketAccess"]);
    assert.match(failuresOf({ label: "abc", secret_key: "x" })[0].reason, /output/);
  });

  it("does not fail on values unknown during preview", () => {
    assert.deepEqual(failuresOf({ label: UNKNOWN, bucket_access: UNKNOWN, regions: UNKNOWN }), []);
    assert.deepEqual(
      failuresOf({ label: "abc", bucket_access: [{ bucket_name: UNKNOWN, permissions: "read_only", region: UNKNOWN }], regions: ["us-east"] }),
      [],
    );
    assert.deepEqual(
      failuresOf({ label: "abc", bucket_access: [{ bucket_name: "bkt", permissions: "read_only", region: "us-west" }], regions: ["us-east", UNKNOWN] }),
      [],
    );
  });

  it("deduplicates regions and keeps [] distinct from absent", () => {
    assert.deepEqual(validateInputs({ label: "abc", regions: ["us-east", "us-east"] }).inputs, { label: "abc", regions: ["us-east"] });
    assert.deepEqual(validateInputs({ label: "abc", bucket_access: [] }).inputs, { label: "abc", bucket_access: [] });
  });
});

describe("rules: diff", () => {
  const olds = (over: Partial<KeyOutputs> = {}): Record<string, unknown> => ({ ...toOutputs(apiKey()), ...over });

  it("reports nothing for identical inputs, even with duplicate region entries read back", () => {
    assert.deepEqual(diffKey(olds(), { label: "my-key", regions: ["us-ord"] }), { changes: false, replaces: [], updates: [] });
  });

  it("compares regions as the key has them: declared regions ∪ bucket regions, in any order", () => {
    const key = apiKey({
      limited: true,
      bucket_access: [{ cluster: "us-iad-1", bucket_name: "bkt", permissions: "read_only", region: "us-iad" }],
      // As live answered in 2024: the bucket's region first, then the requested one.
      regions: [
        { id: "us-iad", s3_endpoint: "us-iad-1.linodeobjects.com", endpoint_type: "E1" },
        { id: "us-east", s3_endpoint: "us-east-1.linodeobjects.com", endpoint_type: "E0" },
      ],
    });
    const stored = toOutputs(key) as unknown as Record<string, unknown>;
    const access = [{ bucket_name: "bkt", permissions: "read_only", region: "us-iad" }];
    assert.deepEqual(diffKey(stored, { label: "my-key", regions: ["us-east"], bucket_access: access }), { changes: false, replaces: [], updates: [] });
    assert.deepEqual(diffKey(stored, { label: "my-key", regions: ["us-iad", "us-east"], bucket_access: access }).changes, false);
    assert.deepEqual(diffKey(stored, { label: "my-key", regions: ["us-ord"], bucket_access: access }).updates, ["regions"]);
    assert.deepEqual(keyRegions(["us-east", "us-east"], access, [{ cluster: "us-ord-1" }]), ["us-east", "us-iad", "us-ord"]);
  });

  it("compares bucket_access as a multiset: the same bucket with two permissions, in any order", () => {
    const both = [
      { cluster: "us-east-1", bucket_name: "bkt", permissions: "read_only" as const, region: "us-east" },
      { cluster: "us-east-1", bucket_name: "bkt", permissions: "read_write" as const, region: "us-east" },
    ];
    const stored = olds({ limited: true, bucket_access: both });
    const entry = (permissions: string) => ({ bucket_name: "bkt", permissions, region: "us-east" });
    assert.equal(diffKey(stored, { label: "my-key", bucket_access: [entry("read_write"), entry("read_only")] }).changes, false);
    assert.deepEqual(diffKey(stored, { label: "my-key", bucket_access: [entry("read_only")] }).replaces, ["bucket_access"]);
    assert.deepEqual(diffKey(stored, { label: "my-key", bucket_access: [entry("read_only"), entry("read_only"), entry("read_write")] }).replaces, [
      "bucket_access",
    ]);
  });

  it("updates label and regions in place", () => {
    assert.deepEqual(diffKey(olds(), { label: "other" }).updates, ["label"]);
    assert.deepEqual(diffKey(olds(), { label: "my-key", regions: ["us-ord", "us-east"] }), { changes: true, replaces: [], updates: ["regions"] });
  });

  it("leaves regions alone when the program removes them", () => {
    assert.equal(diffKey(olds(), { label: "my-key" }).changes, false);
  });

  it("replaces on any bucket_access change, and null differs from []", () => {
    assert.deepEqual(diffKey(olds(), { label: "my-key", bucket_access: [] }).replaces, ["bucket_access"]);
    const limited = olds({ limited: true, bucket_access: [] });
    assert.deepEqual(diffKey(limited, { label: "my-key" }).replaces, ["bucket_access"]);
    assert.equal(diffKey(limited, { label: "my-key", bucket_access: [] }).changes, false);
  });

  it("treats cluster as its region and ignores order", () => {
    // As the API reports them: with the derived cluster ("" for a region that never had one).
    const reported = (
      [
        ["us-east-1", "b1b", "read_only", "us-east"],
        ["", "b2b", "read_write", "au-mel"],
      ] as const
    ).map(([cluster, bucket_name, permissions, region]) => ({ cluster, bucket_name, permissions, region }));
    const stored = olds({ limited: true, bucket_access: reported });
    const news = {
      label: "my-key",
      bucket_access: [
        { bucket_name: "b2b", permissions: "read_write", region: "au-mel" },
        { bucket_name: "b1b", permissions: "read_only", cluster: "us-east-1" },
      ],
    };
    assert.equal(diffKey(stored, news).changes, false);
    news.bucket_access[0].permissions = "read_only";
    assert.deepEqual(diffKey(stored, news).replaces, ["bucket_access"]);
  });

  it("replaces a key whose secret Pulumi never saw", () => {
    const { secret_key: _lost, ...adopted } = olds();
    assert.deepEqual(diffKey(adopted, { label: "my-key" }).replaces, ["secret_key"]);
  });

  it("is conservative with unknowns and ignores __provider", () => {
    assert.deepEqual(diffKey(olds(), { label: "my-key", bucket_access: UNKNOWN }).replaces, ["bucket_access"]);
    assert.deepEqual(diffKey(olds(), { label: UNKNOWN }).updates, ["label"]);
    assert.deepEqual(diffKey(olds(), { label: "my-key", regions: [UNKNOWN] }).updates, ["regions"]);
    assert.equal(diffKey({ ...olds(), __provider: "old code" }, { label: "my-key", __provider: "new code" }).changes, false);
  });
});

describe("rules: request bodies and outputs", () => {
  it("omits bucket_access for an unlimited key and sends [] for a limited one", () => {
    assert.deepEqual(createBody({ label: "abc" }), { label: "abc" });
    assert.deepEqual(createBody({ label: "abc", bucket_access: [] }), { label: "abc", bucket_access: [] });
    assert.deepEqual(createBody({ label: "abc", bucket_access: [{ bucket_name: "b", permissions: "read_only", cluster: "us-east-1" }] }).bucket_access, [
      { bucket_name: "b", permissions: "read_only", region: "us-east" },
    ]);
  });

  it("updates only what changed", () => {
    const outs = toOutputs(apiKey());
    assert.equal(updateBody(outs, { label: "my-key" }), undefined);
    assert.equal(updateBody(outs, { label: "my-key", regions: ["us-ord"] }), undefined);
    assert.deepEqual(updateBody(outs, { label: "new-label", regions: ["us-ord"] }), { label: "new-label" });
    assert.deepEqual(updateBody(outs, { label: "my-key", regions: ["us-east"] }), { regions: ["us-east"] });
  });

  it("builds the PUT from diff's decision, and its regions never drop a bucket's region", () => {
    const key = apiKey({
      label: "my-key",
      limited: true,
      bucket_access: [{ cluster: "us-iad-1", bucket_name: "bkt", permissions: "read_only", region: "us-iad" }],
      regions: [
        { id: "us-east", s3_endpoint: "us-east-1.linodeobjects.com", endpoint_type: "E0" },
        { id: "us-iad", s3_endpoint: "us-iad-1.linodeobjects.com", endpoint_type: "E1" },
      ],
    });
    const outs = toOutputs(key);
    const access = [{ bucket_name: "bkt", permissions: "read_only" as const, region: "us-iad" }];
    // What diff says changes is exactly what the PUT carries.
    for (const news of [
      { label: "my-key", regions: ["us-east"], bucket_access: access },
      { label: " my-key ", regions: ["us-east"], bucket_access: access },
      { label: "my-key", regions: ["us-ord"], bucket_access: access },
      { label: "other", regions: ["us-iad", "us-east"], bucket_access: access },
    ]) {
      const d = diffKey(outs as unknown as Record<string, unknown>, news);
      const body = updateBody(outs, news);
      assert.deepEqual(Object.keys(body ?? {}).sort(), [...d.updates].sort(), JSON.stringify(news));
    }
    assert.deepEqual(updateBody(outs, { label: "my-key", regions: ["us-ord"], bucket_access: access }), { regions: ["us-ord", "us-iad"] });
  });

  it("has regions_details only when the inputs (or stored outputs) ask for them", () => {
    const key = apiKey();
    assert.equal("regions_details" in toOutputs(key), false);
    assert.equal("include_regions_details" in toOutputs(key, undefined, { include_regions_details: false }), false);
    const asked = toOutputs(key, undefined, { include_regions_details: true });
    assert.equal(asked.include_regions_details, true);
    assert.equal(asked.regions_details?.length, 2);
  });

  it("include_regions_details: true and unknown are kept, false and null mean no, anything else fails", () => {
    assert.deepEqual(validateInputs({ label: "abc", include_regions_details: true }), {
      inputs: { label: "abc", include_regions_details: true },
      failures: [],
    });
    assert.deepEqual(validateInputs({ label: "abc", include_regions_details: UNKNOWN }).inputs.include_regions_details, UNKNOWN);
    for (const no of [false, null]) assert.deepEqual(validateInputs({ label: "abc", include_regions_details: no }), { inputs: { label: "abc" }, failures: [] });
    assert.deepEqual(validateInputs({ label: "abc", include_regions_details: 1 }).failures, [
      { property: "include_regions_details", reason: "must be true or false, not number" },
    ]);
  });

  it("asking for regions_details or no longer asking updates in place; an unknown value counts as a change", () => {
    const outs = toOutputs(apiKey()) as unknown as Record<string, unknown>;
    const withDetails = toOutputs(apiKey(), undefined, { include_regions_details: true }) as unknown as Record<string, unknown>;
    const label = String(outs.label);
    assert.deepEqual(diffKey(outs, { label, include_regions_details: true }), { changes: true, replaces: [], updates: ["include_regions_details"] });
    assert.deepEqual(diffKey(withDetails, { label }), { changes: true, replaces: [], updates: ["include_regions_details"] });
    assert.deepEqual(diffKey(withDetails, { label, include_regions_details: UNKNOWN }).updates, ["include_regions_details"]);
    assert.equal(diffKey(withDetails, { label, include_regions_details: true }).changes, false);
    assert.equal(updateBody(outs as never, { label, include_regions_details: true }), undefined, "no PUT: the API has no such field");
  });

  it("never stores [REDACTED] and keeps the known secret", () => {
    const redacted = apiKey({ secret_key: "[REDACTED]" });
    assert.equal("secret_key" in toOutputs(redacted), false);
    assert.equal(toOutputs(redacted, "[REDACTED]").secret_key, undefined);
    assert.equal(toOutputs(redacted, "s3cr3t").secret_key, "s3cr3t");
    assert.equal(toOutputs(apiKey({ secret_key: "fresh" }), "old").secret_key, "fresh");
  });

  it("deduplicates region ids but keeps every endpoint in regions_details", () => {
    const outs = toOutputs(apiKey(), undefined, { include_regions_details: true });
    assert.deepEqual(outs.regions, ["us-ord"]);
    assert.equal(outs.regions_details?.length, 2);
  });

  it("gives the same outputs whatever order the API lists regions, endpoints and buckets in", () => {
    const key = apiKey({
      limited: true,
      bucket_access: [
        { cluster: "us-east-1", bucket_name: "b", permissions: "read_write", region: "us-east" },
        { cluster: "", bucket_name: "a", permissions: "read_only", region: "au-mel" },
        { cluster: "us-east-1", bucket_name: "b", permissions: "read_only", region: "us-east" },
      ],
      regions: [
        { id: "us-ord", s3_endpoint: "us-ord-10.linodeobjects.com", endpoint_type: "E3" },
        { id: "au-mel", s3_endpoint: "au-mel-1.linodeobjects.com", endpoint_type: "E2" },
        { id: "us-ord", s3_endpoint: "us-ord-1.linodeobjects.com", endpoint_type: "E1" },
        { id: "us-east", s3_endpoint: "us-east-1.linodeobjects.com", endpoint_type: "E0" },
      ],
    });
    const outs = toOutputs(key, undefined, { include_regions_details: true });
    assert.deepEqual(outs.regions, ["au-mel", "us-east", "us-ord"]);
    assert.deepEqual(
      outs.regions_details?.map((r) => r.s3_endpoint),
      ["au-mel-1.linodeobjects.com", "us-east-1.linodeobjects.com", "us-ord-1.linodeobjects.com", "us-ord-10.linodeobjects.com"],
    );
    assert.deepEqual(
      outs.bucket_access!.map((b) => `${b.region}/${b.bucket_name}/${b.permissions}`),
      ["au-mel/a/read_only", "us-east/b/read_only", "us-east/b/read_write"],
    );
    fc.assert(
      fc.property(fc.func(fc.integer()), (rank) => {
        const shuffle = <T>(xs: T[]) =>
          xs
            .map((x, i) => [rank(i), x] as const)
            .sort((p, q) => p[0] - q[0])
            .map((p) => p[1]);
        const reordered = { ...key, regions: shuffle(key.regions), bucket_access: shuffle(key.bucket_access!) };
        assert.deepEqual(toOutputs(reordered, undefined, { include_regions_details: true }), outs);
      }),
    );
  });
});

// Property-based: the general rules hold for any access list.
const regionArb = fc.constantFrom("us-east", "us-ord", "de-fra-2", "au-mel", "us-west");
const accessArb = fc.uniqueArray(
  fc.record({
    bucket_name: fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,10}[a-z0-9]$/),
    permissions: fc.constantFrom("read_only" as const, "read_write" as const),
    region: regionArb,
  }),
  // Unique entries; the same bucket may appear with both permissions (live accepts it).
  { selector: (e) => `${e.region}/${e.bucket_name}/${e.permissions}`, maxLength: 8 },
);

describe("rules: properties", () => {
  it("diff ignores bucket order and cluster-vs-region spelling", () => {
    fc.assert(
      fc.property(accessArb, (list) => {
        const stored = toOutputs(apiKey({ limited: true, bucket_access: list.map((e) => ({ ...e, cluster: "" })) }));
        const shuffled = [...list]
          .reverse()
          .map((e) => (e.region === "us-east" ? { bucket_name: e.bucket_name, permissions: e.permissions, cluster: "us-east-1" } : e));
        return diffKey(stored as unknown as Record<string, unknown>, { label: "my-key", bucket_access: shuffled }).changes === false;
      }),
    );
  });

  it("normalising twice equals normalising once", () => {
    fc.assert(
      fc.property(accessArb, fc.array(regionArb, { minLength: 1 }), fc.string({ minLength: 3, maxLength: 40 }), (access, regions, label) => {
        const raw = {
          // Control characters are what the label rule refuses: replace them to stay valid.
          // eslint-disable-next-line no-control-regex
          label: ` ${label.replace(/[\u0000-\u001f\u007f]/g, "x")} `,
          bucket_access: access,
          regions: [...regions, ...access.map((a) => a.region)],
        };
        const once = validateInputs(raw);
        if (once.failures.length) return true;
        const twice = validateInputs(once.inputs);
        assert.deepEqual(twice, once);
        return true;
      }),
    );
  });

  it("whether a change replaces does not depend on bucket order", () => {
    fc.assert(
      fc.property(accessArb, accessArb, (a, b) => {
        const stored = toOutputs(apiKey({ limited: true, bucket_access: a.map((e) => ({ ...e, cluster: "" })) })) as unknown as Record<string, unknown>;
        const r1 = diffKey(stored, { label: "my-key", bucket_access: b }).replaces;
        const r2 = diffKey(stored, { label: "my-key", bucket_access: [...b].reverse() }).replaces;
        assert.deepEqual(r1, r2);
        assert.equal(r1.length > 0, JSON.stringify(accessSignature(a)) !== JSON.stringify(accessSignature(b)));
      }),
    );
  });

  it("check never throws on any input: it either fails with named properties or yields decodable inputs", () => {
    const { KeyInputs } = codecs();
    fc.assert(
      fc.property(fc.object({ maxDepth: 3 }), fc.anything(), fc.anything(), fc.anything(), (obj, label, access, regions) => {
        const raw = { ...obj, label, bucket_access: access, regions };
        const { inputs, failures } = validateInputs(raw);
        if (failures.length) {
          for (const f of failures) assert.ok(f.property.length > 0 && f.reason.length > 0);
        } else if (!containsUnknown(inputs)) {
          assert.equal(KeyInputs.decode(inputs)._tag, "Right");
        }
        diffKey(inputs, raw);
      }),
      { numRuns: 500 },
    );
  });

  it("a key created from any declared regions shows no diff once the API answers the union, in any order", () => {
    fc.assert(
      fc.property(accessArb, fc.array(regionArb, { minLength: 1 }), fc.func(fc.integer()), (access, declared, rank) => {
        const union = [...new Set([...access.map((a) => a.region), ...declared])];
        const shuffle = <T>(xs: T[]) =>
          xs
            .map((x, i) => [rank(i), x] as const)
            .sort((p, q) => p[0] - q[0])
            .map((p) => p[1]);
        const key = apiKey({
          label: "same-key",
          limited: true,
          bucket_access: shuffle(access.map((e) => ({ ...e, cluster: "" }))),
          regions: shuffle(union.map((id) => ({ id, s3_endpoint: `${id}-1.linodeobjects.com`, endpoint_type: "E1" }))),
        });
        const outs = toOutputs(key);
        const inputs: KeyInputs = { label: "same-key", bucket_access: access, regions: declared };
        assert.deepEqual(diffKey(outs as unknown as Record<string, unknown>, inputs as unknown as Record<string, unknown>), {
          changes: false,
          replaces: [],
          updates: [],
        });
        assert.equal(updateBody(outs, inputs), undefined);
      }),
    );
  });

  it("a PUT's regions always hold every bucket region of the key", () => {
    fc.assert(
      fc.property(accessArb, fc.array(regionArb, { minLength: 1 }), fc.array(regionArb, { minLength: 1 }), (access, before, after) => {
        const key = apiKey({
          limited: true,
          bucket_access: access.map((e) => ({ ...e, cluster: "" })),
          regions: [...new Set([...before, ...access.map((a) => a.region)])].map((id) => ({
            id,
            s3_endpoint: `${id}-1.linodeobjects.com`,
            endpoint_type: "E1",
          })),
        });
        const body = updateBody(toOutputs(key), { label: "my-key", bucket_access: access, regions: after });
        if (body?.regions) for (const a of access) assert.ok(body.regions.includes(a.region), `${a.region} dropped from ${body.regions}`);
      }),
    );
  });

  it("diff(x, x) has no changes", () => {
    fc.assert(
      fc.property(accessArb, fc.array(regionArb, { minLength: 1 }), (access, regions) => {
        const key = apiKey({
          label: "same-key",
          limited: true,
          bucket_access: access.map((e) => ({ ...e, cluster: "" })),
          regions: [...regions, ...access.map((a) => a.region)].map((id) => ({ id, s3_endpoint: `${id}-1.linodeobjects.com`, endpoint_type: "E1" })),
        });
        const outs = toOutputs(key) as unknown as Record<string, unknown>;
        const inputs: KeyInputs = { label: "same-key", bucket_access: access, regions: outs.regions as string[] };
        return diffKey(outs, inputs as unknown as Record<string, unknown>).changes === false;
      }),
    );
  });
});
