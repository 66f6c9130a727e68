/**
 * Invalid inputs, checked the way the engine checks them at preview: `check(olds, news)` with
 * `__provider` in `news`, on a provider pointed at a running emulator. Every input must come back
 * as failures (never a throw), each naming the exact property path and a reason, with no request
 * sent to the API.
 */
import { strict as assert } from "node:assert";
import type { Emulator } from "../emulator/server";
import type { ObjectStorageKeyProvider } from "./provider-class";
import type { KeyInputs } from "../provider/codecs";
import { printTable, withProvider } from "./helpers";

const LABEL = "valid-label";
/** A valid bucket_access entry, with overrides. */
const entry = (over: Record<string, unknown> = {}) => ({ bucket_name: "logs", permissions: "read_only", region: "us-east", ...over });
/** Inputs that are valid apart from one bucket_access entry. */
const withEntry = (over: Record<string, unknown>) => ({ label: LABEL, bucket_access: [entry(over)] });

interface Row {
  /** What is wrong. */
  name: string;
  /** The inputs as the program would give them (without __provider). */
  input: Record<string, unknown>;
  /** The exact failure property paths expected, in order. */
  properties: string[];
  /** What each reason must say (one per property). */
  reasons: RegExp[];
}

const row = (name: string, input: Record<string, unknown>, property: string, reason: RegExp): Row => ({
  name,
  input,
  properties: [property],
  reasons: [reason],
});

const TABLE: Row[] = [
  // wrong types
  row("label is a number", { label: 42 }, "label", /must be a string, not a number/),
  row("label is a list", { label: ["a", "b", "c"] }, "label", /must be a string, not a list/),
  row("label is null", { label: null }, "label", /is required/),
  row("label is missing", { regions: ["us-east"] }, "label", /is required/),
  row("bucket_access is a string", { label: LABEL, bucket_access: "logs" }, "bucket_access", /must be a list .* not a string/),
  row("bucket_access is an object", { label: LABEL, bucket_access: entry() }, "bucket_access", /must be a list .* not an object/),
  row("regions is a string", { label: LABEL, regions: "us-east" }, "regions", /must be a list of region ids, not a string/),
  row("permissions is a number", withEntry({ permissions: 7 }), "bucket_access[0].permissions", /must be "read_only" or "read_write", not a number/),
  row("bucket_access entry is a string", { label: LABEL, bucket_access: ["logs"] }, "bucket_access[0]", /must be an object .* not a string/),
  row("regions entry is a number", { label: LABEL, regions: [1] }, "regions[0]", /must be a region id string, not a number/),
  // labels
  row("label is empty", { label: "" }, "label", /3 to 50 characters .* it has 0/),
  row("label is whitespace only", { label: "   \t  " }, "label", /3 to 50 characters long after trimming .* it has 0/),
  row("label is 2 characters", { label: "ab" }, "label", /3 to 50 characters .* it has 2/),
  row("label is 51 characters", { label: "a".repeat(51) }, "label", /3 to 50 characters .* it has 51/),
  row("label has a newline", { label: "first\nsecond" }, "label", /must not contain control characters such as newlines/),
  row("label has a tab inside", { label: "tab\there" }, "label", /must not contain control characters/),
  // bucket names, regions, permissions
  row("bucket_name has unicode", withEntry({ bucket_name: "bücket" }), "bucket_access[0].bucket_name", /"bücket" is not a valid bucket name/),
  row("bucket_name too short (2)", withEntry({ bucket_name: "ab" }), "bucket_access[0].bucket_name", /"ab" is not a valid bucket name: 3 to 63/),
  row("bucket_name too long (64)", withEntry({ bucket_name: "b".repeat(64) }), "bucket_access[0].bucket_name", /is not a valid bucket name: 3 to 63/),
  row("bucket_name upper case", withEntry({ bucket_name: "MyBucket" }), "bucket_access[0].bucket_name", /lower-case/),
  row("bucket_name with ..", withEntry({ bucket_name: "my..bucket" }), "bucket_access[0].bucket_name", /is not a valid bucket name/),
  row("bucket_name ends with -", withEntry({ bucket_name: "bucket-" }), "bucket_access[0].bucket_name", /ending with a letter or digit/),
  row("bucket_name missing", { label: LABEL, bucket_access: [{ permissions: "read_only", region: "us-east" }] }, "bucket_access[0].bucket_name", /is required/),
  row("region has unicode", withEntry({ region: "us-éast" }), "bucket_access[0].region", /"us-éast" is not a region id/),
  row("regions entry has unicode", { label: LABEL, regions: ["us-éast"] }, "regions[0]", /"us-éast" is not a region id/),
  row("regions entry upper case", { label: LABEL, regions: ["US-EAST"] }, "regions[0]", /is not a region id: use lower-case/),
  row(
    "permissions unknown (write_only)",
    withEntry({ permissions: "write_only" }),
    "bucket_access[0].permissions",
    /must be "read_only" or "read_write", not "write_only"/,
  ),
  row("permissions wrong case", withEntry({ permissions: "READ_ONLY" }), "bucket_access[0].permissions", /not "READ_ONLY"/),
  row(
    "region and cluster disagree",
    withEntry({ cluster: "us-ord-1" }),
    "bucket_access[0].cluster",
    /"us-ord-1" is the legacy cluster of us-ord, but region is "us-east"/,
  ),
  row("cluster is empty", withEntry({ region: undefined, cluster: "" }), "bucket_access[0].cluster", /"" is not a legacy cluster id/),
  row(
    "cluster is a newer region's S3 host",
    withEntry({ region: undefined, cluster: "de-fra-1" }),
    "bucket_access[0].cluster",
    /S3 host name of region de-fra-2, which has no legacy cluster id: set region: "de-fra-2"/,
  ),
  row("neither region nor cluster", withEntry({ region: undefined }), "bucket_access[0].region", /is required: the region of the bucket/),
  row("malformed cluster (no number)", withEntry({ region: undefined, cluster: "us-east" }), "bucket_access[0].cluster", /is not a legacy cluster id/),
  row("cluster is a number", withEntry({ region: undefined, cluster: 1 }), "bucket_access[0].cluster", /a number is not a legacy cluster id/),
  // lists
  row(
    "exact duplicate entry",
    { label: LABEL, bucket_access: [entry(), entry({ permissions: "read_write" }), entry()] },
    "bucket_access[2]",
    /repeats bucket_access\[0\] exactly \(bucket "logs" in us-east, read_only\): remove one/,
  ),
  row(
    "exact duplicate, region vs cluster",
    { label: LABEL, bucket_access: [entry(), entry({ region: undefined, cluster: "us-east-1" })] },
    "bucket_access[1]",
    /repeats bucket_access\[0\] exactly/,
  ),
  row(
    "bucket_access of 1000 entries",
    { label: LABEL, bucket_access: Array.from({ length: 1000 }, (_, i) => entry({ bucket_name: `bucket-${i}` })) },
    "bucket_access",
    /has 1000 entries; at most 100/,
  ),
  row("regions of 101 entries", { label: LABEL, regions: Array.from({ length: 101 }, (_, i) => `r${i}`) }, "regions", /has 101 entries; at most 100/),
  row("regions empty", { label: LABEL, regions: [] }, "regions", /must not be empty/),
  row("regions null", { label: LABEL, regions: null }, "regions", /must be a list of region ids, not null/),
  row("bucket_access null", { label: LABEL, bucket_access: null }, "bucket_access", /must be a list, not null: omit it for an unlimited key/),
  // unknown properties
  row("camelCase bucketAccess", { label: LABEL, bucketAccess: [entry()] }, "bucketAccess", /unknown property: .*snake_case/),
  row("output secret_key given", { label: LABEL, secret_key: "s3cr3t" }, "secret_key", /it is an output that Linode sets, not an input/),
  row("output access_key given", { label: LABEL, access_key: "AKIA" }, "access_key", /it is an output that Linode sets, not an input/),
  row("nested unknown property", withEntry({ expires: "2030-01-01" }), "bucket_access[0].expires", /unknown property: use bucket_name, permissions and region/),
  {
    // camelCase also leaves bucket_name missing: both are named.
    name: "nested camelCase bucketName",
    input: { label: LABEL, bucket_access: [{ bucketName: "logs", permissions: "read_only", region: "us-east" }] },
    properties: ["bucket_access[0].bucketName", "bucket_access[0].bucket_name"],
    reasons: [/unknown property: use bucket_name/, /is required/],
  },
  // Line terminators and control characters beyond C0: the rule promises "no control characters such as newlines".
  row("label has NEL (U+0085, a C1 control / newline)", { label: "first\u0085second" }, "label", /must not contain control characters/),
  row("label has LINE SEPARATOR (U+2028)", { label: "first\u2028second" }, "label", /must not contain control characters/),
  // Linode's documented bucket rule: "Cannot be formatted as IP addresses".
  row("bucket_name formatted as an IP address", withEntry({ bucket_name: "192.168.5.4" }), "bucket_access[0].bucket_name", /is not a valid bucket name/),
];

interface Printed {
  input: string;
  property: string;
  message: string;
  requests: number;
}

/** Escapes what JSON.stringify leaves raw but a terminal would act on (C1 controls, line separators). */
const visible = (s: string) => s.replace(/[\u0080-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
const abbreviate = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const show = (v: unknown) =>
  abbreviate(visible(JSON.stringify(v, (_k, x) => (Array.isArray(x) && x.length > 3 ? [...x.slice(0, 2), `…${x.length - 2} more`] : x))), 60);

describe("check rejects bad input before any API call", () => {
  const ctx = withProvider();
  let emu: Emulator;
  let p: ObjectStorageKeyProvider;
  const printed: Printed[] = [];

  beforeEach(() => ({ emu, p } = ctx));
  after(() =>
    printTable(
      `Bad inputs: ${TABLE.length} rows`,
      printed.map((r) => ({ ...r, message: abbreviate(visible(r.message), 90) })),
    ),
  );

  for (const r of TABLE) {
    it(`${r.name} → fails on ${r.properties.join(", ")}, no request`, async () => {
      const news = { ...r.input, __provider: "serialized-provider-code" } as unknown as KeyInputs;
      let result: Awaited<ReturnType<ObjectStorageKeyProvider["check"]>>;
      try {
        result = await p.check({} as KeyInputs, news);
      } catch (e) {
        printed.push({ input: show(r.input), property: "(threw)", message: (e as Error).message, requests: emu.requests.length });
        assert.fail(`check threw instead of returning failures: ${(e as Error).message}`);
      }
      const failures = result.failures ?? [];
      const shown = failures.length ? failures : [{ property: "(accepted)", reason: JSON.stringify(result.inputs) }];
      for (const f of shown) printed.push({ input: show(r.input), property: f.property, message: f.reason, requests: emu.requests.length });

      assert.ok(failures.length > 0, `check accepted it: ${JSON.stringify(result.inputs)}`);
      assert.equal(result.inputs, undefined, "no inputs are returned with failures");
      assert.deepEqual(
        failures.map((f) => f.property),
        r.properties,
      );
      failures.forEach((f, i) => {
        assert.equal(typeof f.reason, "string");
        assert.match(f.reason, r.reasons[i]);
      });
      assert.equal(emu.requests.length, 0, "the emulator saw no request");
    });
  }
});

/** Inputs the live API accepts (reference §8): `check` must pass them, still with no request. */
const ACCEPTED: { name: string; input: Record<string, unknown>; inputs: Record<string, unknown> }[] = [
  {
    name: "regions that leave out a bucket's region (live 2024-07: the key gets both)",
    input: { label: LABEL, regions: ["us-east"], bucket_access: [entry({ region: "us-iad" })] },
    inputs: { label: LABEL, regions: ["us-east"], bucket_access: [entry({ region: "us-iad" })] },
  },
  {
    name: "the same bucket with read_only and read_write (live 2026-05)",
    input: { label: LABEL, bucket_access: [entry(), entry({ permissions: "read_write" })] },
    inputs: { label: LABEL, bucket_access: [entry(), entry({ permissions: "read_write" })] },
  },
  {
    name: "region and cluster that agree (live 2025-01), kept as region",
    input: { label: LABEL, bucket_access: [entry({ cluster: "us-east-1" })] },
    inputs: { label: LABEL, bucket_access: [entry()] },
  },
  {
    name: "a legacy cluster live reports (us-iad-1)",
    input: { label: LABEL, bucket_access: [entry({ region: undefined, cluster: "us-iad-1" })] },
    inputs: { label: LABEL, bucket_access: [{ bucket_name: "logs", permissions: "read_only", cluster: "us-iad-1" }] },
  },
];

describe("check accepts what the live API accepts, before any API call", () => {
  const ctx = withProvider();
  let emu: Emulator;
  let p: ObjectStorageKeyProvider;
  beforeEach(() => ({ emu, p } = ctx));

  for (const a of ACCEPTED) {
    it(`${a.name} → accepted, no request`, async () => {
      const result = await p.check({} as KeyInputs, { ...a.input, __provider: "serialized-provider-code" } as unknown as KeyInputs);
      assert.deepEqual(result.failures, undefined);
      assert.deepEqual(result.inputs, a.inputs);
      assert.equal(emu.requests.length, 0);
    });
  }
});
