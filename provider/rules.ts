/**
 * The rules of an Object Storage key, as pure functions: input validation (`check`), the
 * normal form the API gives a key's access list, what a change updates and what replaces
 * ("why did my key get replaced?"), and how an API answer becomes the resource's outputs.
 *
 * @packageDocumentation
 */
import type { ApiKey, BucketAccessInput, KeyInputs, KeyOutputs } from "./codecs";
import type { CreateKeyBody, UpdateKeyBody } from "./client";
import { connectionChanges, connectionOutputs, validateConnection } from "./connection";
import { detailsChange, detailsOutputs, validateIncludeDetails } from "./regions-details";
import { validateUsable } from "./usable";
import { rotationDiff, rotationOutputs, validateRotation } from "./rotation";

/** The string Pulumi passes for a value that is not known yet (during preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** What the API returns as `secret_key` everywhere but in the create response. */
export const REDACTED = "[REDACTED]";

/** Linode's label rule (Cloud Manager's validation): 3 to 50 characters after trimming. */
export const LABEL_MIN = 3;
/** See {@link LABEL_MIN}. */
export const LABEL_MAX = 50;
/** The most `bucket_access` entries accepted; the live API already fails on 15 at times (TF #1840). */
export const MAX_BUCKET_ACCESS = 100;
/** The most `regions` entries accepted. */
export const MAX_REGIONS = 100;

/** A region id or legacy cluster id: lower-case letters and digits in dash-separated parts. */
const REGION_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
/** A legacy cluster id is a region id followed by `-<number>`, e.g. `us-east-1`. */
const CLUSTER_ID = /^([a-z0-9]+(?:-[a-z0-9]+)*)-(\d+)$/;
/** S3 bucket naming, which Linode follows: 3-63 of a-z 0-9 . -, starting and ending alphanumeric. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** One failed rule: the property path (e.g. `bucket_access[1].permissions`) and why. */
export interface Failure {
  /** Property path in the resource's inputs. */
  property: string;
  /** What is wrong and how to fix it. */
  reason: string;
}

/** True when `v` is Pulumi's unknown-value sentinel. */
export function isUnknown(v: unknown): boolean {
  return v === UNKNOWN;
}

/** True when `v` is, or contains anywhere, Pulumi's unknown-value sentinel. */
export function containsUnknown(v: unknown): boolean {
  if (isUnknown(v)) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v !== null && typeof v === "object") return Object.values(v).some(containsUnknown);
  return false;
}

/**
 * S3 host names of regions that have no legacy cluster, whose prefix looks like a cluster id but
 * names no region (`de-fra-1.linodeobjects.com` serves `de-fra-2`; there is no region `de-fra`).
 * From the live endpoint list of 2026-04-30.
 */
const HOSTS_OF_CLUSTERLESS_REGIONS: Readonly<Record<string, string>> = { "de-fra-1": "de-fra-2", "sg-sin-1": "sg-sin-2", "jp-tyo-1": "jp-tyo-3" };

/**
 * The region a legacy cluster id stands for: the cluster id without its trailing `-<number>`.
 * Live reports the cluster `<region>-1` for the older regions (`us-east-1`, `us-iad-1`, `in-maa-1`,
 * `se-sto-1`, `us-lax-1` were seen) and `""` for regions that never had one (`au-mel`, `gb-lon`);
 * so `us-east-1` → `us-east`, and `""` → `""` (no region). This is a shape rule, not a lookup: it
 * cannot know whether the result is one of the account's regions (the API decides at apply time),
 * and a region id that itself ends in a number (`de-fra-2`) is a region, not a cluster.
 */
export function clusterToRegion(cluster: string): string {
  const m = CLUSTER_ID.exec(cluster);
  return m ? m[1] : cluster;
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

// Arrays, not Sets: Pulumi's closure serializer cannot carry a Set into the serialized provider.
const INPUT_KEYS = [
  "label",
  "bucket_access",
  "regions",
  "rotation_days",
  "rotation_trigger",
  "include_regions_details",
  "connection",
  "wait_until_usable",
  "wait_until_usable_timeout_seconds",
];
const ACCESS_KEYS = ["bucket_name", "permissions", "region", "cluster"];
const OUTPUT_ONLY = ["access_key", "secret_key", "limited", "regions_details"];
const PROVIDER_OUTPUTS = ["created_at", "rotation_due_at"];

/**
 * Validates raw inputs (as `check` receives them, without `__provider`) and returns their normal
 * form: label trimmed, regions deduplicated, an access entry's `cluster` dropped when `region`
 * says the same. Accepts what live accepts: `regions` that leave out a bucket's region (the key
 * gets both), the same bucket with two permissions, `region` and `cluster` together when they
 * agree. Values still unknown during preview are not failures. Makes no API call; every failure
 * names its property.
 */
export function validateInputs(raw: Record<string, unknown>): { inputs: Record<string, unknown>; failures: Failure[] } {
  const failures: Failure[] = [];
  const fail: Fail = (property, reason) => failures.push({ property, reason });
  checkPropertyNames(raw, fail);
  const fields: Record<string, unknown> = {
    label: validateLabel(raw.label, fail),
    regions: validateRegions(raw.regions, fail),
    bucket_access: validateBucketAccess(raw.bucket_access, fail),
    ...validateRotation(raw, fail),
    ...validateIncludeDetails(raw, fail),
    ...validateConnection(raw, fail),
    ...validateUsable(raw, fail),
  };
  const inputs = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  return { inputs, failures };
}

/** Records one failed rule: the property path and why. */
type Fail = (property: string, reason: string) => void;

/** Every property must be an input: outputs and misspellings (camelCase) fail, naming the inputs. */
function checkPropertyNames(raw: Record<string, unknown>, fail: Fail): void {
  for (const key of Object.keys(raw)) {
    if (INPUT_KEYS.includes(key) || raw[key] === undefined) continue;
    const hint = OUTPUT_ONLY.includes(key)
      ? "it is an output that Linode sets, not an input"
      : PROVIDER_OUTPUTS.includes(key)
        ? "it is an output that the provider sets when it creates the key, not an input"
        : "the inputs are label, bucket_access, regions, rotation_days, rotation_trigger, include_regions_details, connection, wait_until_usable and wait_until_usable_timeout_seconds (snake_case, as the Linode API names them)";
    fail(key === "" ? '""' : key, `unknown property: ${hint}`);
  }
}

/** The label, trimmed; `undefined` when it fails. */
function validateLabel(label: unknown, fail: Fail): unknown {
  if (label === undefined || label === null) return void fail("label", "is required: give the key a label of 3 to 50 characters");
  if (isUnknown(label)) return label;
  if (typeof label !== "string") return void fail("label", `must be a string, not ${typeName(label)}`);
  const trimmed = label.trim();
  const length = [...trimmed].length;
  if (length < LABEL_MIN || length > LABEL_MAX) {
    return void fail("label", `must be ${LABEL_MIN} to ${LABEL_MAX} characters long after trimming spaces (Linode's rule); it has ${length}`);
  }
  // Control characters are exactly what this rule looks for.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(trimmed)) return void fail("label", "must not contain control characters such as newlines or tabs");
  return trimmed;
}

/** The regions, each once; `undefined` when absent or failing. */
function validateRegions(regions: unknown, fail: Fail): unknown {
  if (regions === undefined || isUnknown(regions)) return regions;
  if (!Array.isArray(regions)) {
    return void fail("regions", `must be a list of region ids, not ${typeName(regions)}; omit it to let Linode choose the regions`);
  }
  // No live answer to [] is recorded; a key that may use no region is surely a mistake.
  if (regions.length === 0) return void fail("regions", "must not be empty: list at least one region id, or omit regions to let Linode choose");
  if (regions.length > MAX_REGIONS) return void fail("regions", `has ${regions.length} entries; at most ${MAX_REGIONS} are accepted`);
  let ok = true;
  regions.forEach((r, i) => {
    if (isUnknown(r)) return;
    ok = false;
    if (typeof r !== "string") fail(`regions[${i}]`, `must be a region id string, not ${typeName(r)}`);
    else if (!REGION_ID.test(r) || r.length > 64) {
      fail(`regions[${i}]`, `"${r.slice(0, 64)}" is not a region id: use lower-case letters, digits and dashes, e.g. us-east`);
    } else ok = true;
  });
  return ok ? [...new Set(regions as string[])] : undefined;
}

/** The access list, each entry in its normal form; `undefined` when absent or failing. */
function validateBucketAccess(list: unknown, fail: Fail): unknown {
  if (list === null) {
    return void fail("bucket_access", "must be a list, not null: omit it for an unlimited key, or use [] for a key with access to no bucket");
  }
  if (list === undefined || isUnknown(list)) return list;
  if (!Array.isArray(list)) return void fail("bucket_access", `must be a list of { bucket_name, permissions, region }, not ${typeName(list)}`);
  if (list.length > MAX_BUCKET_ACCESS) {
    return void fail("bucket_access", `has ${list.length} entries; at most ${MAX_BUCKET_ACCESS} are accepted (the API fails on large lists)`);
  }
  // The same bucket with two permissions is accepted live (2026-05); an exact repeat of an
  // entry has no recorded live answer and adds nothing, so it is refused rather than guessed at.
  const seen = new Map<string, number>();
  const items = list.map((item, i) => validateAccess(item, `bucket_access[${i}]`, fail));
  items.forEach((item, i) => {
    if (!item || containsUnknown(item)) return;
    const region = effectiveRegion(item);
    const id = `${region}/${item.bucket_name}/${item.permissions}`;
    const first = seen.get(id);
    if (first !== undefined) {
      fail(
        `bucket_access[${i}]`,
        `repeats bucket_access[${first}] exactly (bucket "${item.bucket_name}" in ${region}, ${item.permissions}): remove one of them`,
      );
    } else seen.set(id, i);
  });
  return items.every((x) => x !== undefined) ? items : undefined;
}

function validateAccess(item: unknown, path: string, fail: (property: string, reason: string) => void): BucketAccessInput | undefined {
  if (isUnknown(item)) return item as unknown as BucketAccessInput;
  if (!isRecord(item)) {
    fail(path, `must be an object { bucket_name, permissions, region }, not ${typeName(item)}`);
    return undefined;
  }
  let bad = false;
  const flag = (property: string, reason: string) => {
    bad = true;
    fail(property, reason);
  };
  for (const key of Object.keys(item)) {
    if (!ACCESS_KEYS.includes(key) && item[key] !== undefined)
      flag(`${path}.${key === "" ? '""' : key}`, "unknown property: use bucket_name, permissions and region (or the legacy cluster)");
  }
  const { bucket_name, permissions, region, cluster } = item;
  if (bucket_name === undefined || bucket_name === null) flag(`${path}.bucket_name`, "is required");
  else if (!isUnknown(bucket_name)) {
    if (typeof bucket_name !== "string") flag(`${path}.bucket_name`, `must be a string, not ${typeName(bucket_name)}`);
    else if (!BUCKET_NAME.test(bucket_name) || /\.\.|\.-|-\./.test(bucket_name) || /^\d+\.\d+\.\d+\.\d+$/.test(bucket_name)) {
      flag(
        `${path}.bucket_name`,
        `"${bucket_name.slice(0, 70)}" is not a valid bucket name: 3 to 63 lower-case letters, digits, dots and dashes, starting and ending with a letter or digit, not shaped like an IP address`,
      );
    }
  }
  if (permissions === undefined || permissions === null) flag(`${path}.permissions`, 'is required: "read_only" or "read_write"');
  else if (!isUnknown(permissions) && permissions !== "read_only" && permissions !== "read_write") {
    flag(
      `${path}.permissions`,
      `must be "read_only" or "read_write", not ${typeof permissions === "string" ? `"${permissions.slice(0, 40)}"` : typeName(permissions)}`,
    );
  }
  const hasRegion = region !== undefined && region !== null;
  const hasCluster = cluster !== undefined && cluster !== null;
  let regionOk = false;
  let clusterOk = false;
  if (!hasRegion && !hasCluster) flag(`${path}.region`, "is required: the region of the bucket, e.g. us-east (or the legacy cluster, e.g. us-east-1)");
  if (hasRegion && !isUnknown(region)) {
    if (typeof region !== "string" || !REGION_ID.test(region) || region.length > 64) {
      flag(
        `${path}.region`,
        `${typeof region === "string" ? `"${region.slice(0, 64)}"` : typeName(region)} is not a region id: use lower-case letters, digits and dashes, e.g. us-east`,
      );
    } else regionOk = true;
  }
  if (hasCluster && !isUnknown(cluster)) {
    if (typeof cluster !== "string" || !CLUSTER_ID.test(cluster) || cluster.length > 64) {
      flag(
        `${path}.cluster`,
        `${typeof cluster === "string" ? `"${cluster.slice(0, 64)}"` : typeName(cluster)} is not a legacy cluster id (a region id followed by -<number>, e.g. us-east-1); set region instead`,
      );
    } else if (HOSTS_OF_CLUSTERLESS_REGIONS[cluster] !== undefined) {
      flag(
        `${path}.cluster`,
        `"${cluster}" is the S3 host name of region ${HOSTS_OF_CLUSTERLESS_REGIONS[cluster]}, which has no legacy cluster id: set region: "${HOSTS_OF_CLUSTERLESS_REGIONS[cluster]}" instead`,
      );
    } else clusterOk = true;
  }
  // Live (2025-01, linodego v1) accepts both when they agree; they must name the same region.
  if (regionOk && clusterOk && clusterToRegion(cluster as string) !== region) {
    flag(
      `${path}.cluster`,
      `"${cluster}" is the legacy cluster of ${clusterToRegion(cluster as string)}, but region is "${region}": remove cluster (region is enough) or make them agree`,
    );
  }
  if (bad) return undefined;
  const out: Record<string, unknown> = { bucket_name, permissions };
  // Region wins: a cluster that agrees with it says nothing more, and the API takes region.
  if (hasRegion) out.region = region;
  else out.cluster = cluster;
  return out as BucketAccessInput;
}

/** The region an access entry applies to, whether given as `region` or the legacy `cluster`. */
export function effectiveRegion(entry: { region?: unknown; cluster?: unknown }): string {
  if (typeof entry.region === "string" && entry.region) return entry.region;
  return clusterToRegion(typeof entry.cluster === "string" ? entry.cluster : "");
}

/**
 * A key's access list as the API sees it: `null` for an unlimited key (`bucket_access` null or
 * absent), else its `region/bucket/permissions` entries as a multiset (sorted, repeats kept): order
 * never matters, and the same bucket may appear with two permissions. `[]` stays `[]`: a limited
 * key with access to no bucket is not an unlimited key.
 */
export function accessSignature(list: unknown): string[] | null {
  if (list === null || list === undefined) return null;
  // Anything else that is not a list (a corrupt or foreign state) never equals a real list.
  if (!Array.isArray(list)) return [`invalid:${typeName(list)}`];
  const entry = (e: unknown) =>
    isRecord(e) ? `${effectiveRegion(e as { region?: string; cluster?: string })}/${String(e.bucket_name)}/${String(e.permissions)}` : `invalid:${typeName(e)}`;
  return list.map(entry).sort();
}

function sameSet(a: readonly unknown[], b: readonly unknown[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}

/** What a change to a key does. */
export interface KeyDiff {
  /** True when anything differs. */
  changes: boolean;
  /**
   * Properties whose change needs a new key: `bucket_access`, which the API cannot update, a lost
   * `secret_key`, a new `rotation_trigger`, and a key due by age, as
   * `rotation_days (created <instant>, due <instant>)` (see rotation.ts).
   */
  replaces: string[];
  /** Properties that an in-place update changes: `label`, `regions`, `connection` (one GET), and the API-free `rotation_days`, `rotation_trigger`, `include_regions_details`. */
  updates: string[];
}

/** The bucket regions of an access list (`region`, or the legacy `cluster`'s region), each once. */
function bucketRegions(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  for (const e of list) {
    const r = isRecord(e) ? effectiveRegion(e) : "";
    if (r && !out.includes(r)) out.push(r);
  }
  return out;
}

/**
 * The regions a key ends up with: the declared `regions` together with the region of every
 * `bucket_access` entry (live answers the union to a create whose `regions` leave out a bucket's
 * region), each once, declared ones first.
 */
export function keyRegions(regions: readonly string[], ...accessLists: unknown[]): string[] {
  const out = [...new Set(regions)];
  for (const list of accessLists) for (const r of bucketRegions(list)) if (!out.includes(r)) out.push(r);
  return out;
}

/** Whether the label must change; both `diff` and `update` ask this (the trimmed label against the key's). */
function labelChanges(olds: Record<string, unknown>, news: Record<string, unknown>): boolean {
  return isUnknown(news.label) || (typeof news.label === "string" && news.label.trim() !== olds.label);
}

/**
 * Whether the key's regions must change: declared `regions` together with the bucket regions,
 * compared as a set with the key's regions. No `regions` in the program: never (Linode chose them).
 */
function regionsChange(olds: Record<string, unknown>, news: Record<string, unknown>): boolean {
  const declared = news.regions;
  if (declared === undefined) return false;
  if (containsUnknown(declared) || containsUnknown(news.bucket_access) || !Array.isArray(declared)) return true;
  const current = Array.isArray(olds.regions) ? olds.regions : [];
  return !sameSet(keyRegions(declared as string[], news.bucket_access), current);
}

/**
 * Compares stored outputs (`olds`) with checked inputs (`news`). `bucket_access` replaces (compared
 * as a multiset of region, bucket and permissions); `label` and `regions` update in place, and
 * `regions` is compared as the key sees it: declared regions ∪ bucket regions, in any order.
 * Removing `regions` from the program changes nothing (the API chose them). Unknown values count
 * as changes, and an unknown access list as a replacement. `__provider` is ignored, so new
 * provider code alone never causes a diff. Asking for `regions_details` or no longer asking
 * updates in place (regions-details.ts). Rotation follows `rotationDiff` (rotation.ts): `now`
 * (milliseconds since the epoch) is the instant a key's age is judged at; without it no key is
 * due by age.
 */
export function diffKey(olds: Record<string, unknown>, news: Record<string, unknown>, now?: number): KeyDiff {
  const replaces: string[] = [];
  const updates: string[] = [];

  const newAccess = news.bucket_access;
  if (containsUnknown(newAccess)) replaces.push("bucket_access");
  else {
    const before = accessSignature(olds.bucket_access);
    const after = accessSignature(newAccess);
    if (JSON.stringify(before) !== JSON.stringify(after)) replaces.push("bucket_access");
  }

  // A key whose secret Pulumi never saw (an ambiguous create it adopted) is useless to its
  // consumers: replace it, which also revokes it.
  if (typeof olds.secret_key !== "string") replaces.push("secret_key");

  if (labelChanges(olds, news)) updates.push("label");
  if (regionsChange(olds, news)) updates.push("regions");
  if (detailsChange(olds, news)) updates.push("include_regions_details");
  // Another token or URL for the same key: checked and recorded by update, the key unchanged.
  if (connectionChanges(olds, news)) updates.push("connection");
  const rotation = rotationDiff(olds, news, now);
  replaces.push(...rotation.replaces);
  updates.push(...rotation.updates);
  return { changes: replaces.length + updates.length > 0, replaces, updates };
}

/**
 * The create request for checked inputs; `bucket_access` is left out for an unlimited key.
 * `regions` goes as declared: live accepts regions that leave out a bucket's region and gives the
 * key the union.
 */
export function createBody(inputs: KeyInputs): CreateKeyBody {
  const body: CreateKeyBody = { label: inputs.label };
  if (inputs.bucket_access !== undefined) {
    // The current API schema takes `region` only, so a legacy cluster is sent as its region.
    body.bucket_access = inputs.bucket_access.map((e) => ({ bucket_name: e.bucket_name, permissions: e.permissions, region: effectiveRegion(e) }));
  }
  if (inputs.regions !== undefined) body.regions = [...inputs.regions];
  return body;
}

/**
 * The update request, from the same decision as {@link diffKey}: only what changed, or `undefined`
 * when nothing did. `regions` is the declared list together with every bucket region of the key:
 * a PUT whose regions drop a bucket's region fails per the spec, and was silently applied in a
 * 2024 recording, so it is never sent.
 */
export function updateBody(olds: KeyOutputs, news: KeyInputs): UpdateKeyBody | undefined {
  const o = olds as unknown as Record<string, unknown>;
  const n = news as unknown as Record<string, unknown>;
  const body: UpdateKeyBody = {};
  if (labelChanges(o, n)) body.label = news.label.trim();
  if (news.regions !== undefined && regionsChange(o, n)) body.regions = keyRegions(news.regions, olds.bucket_access, news.bucket_access);
  return Object.keys(body).length ? body : undefined;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The resource's outputs for an API key, the same whatever order the API lists things in (it
 * guarantees none): `regions` deduplicated (the API lists a region once per endpoint) and sorted;
 * `bucket_access` sorted by region, bucket and permissions. The secret is the API's when it is
 * real (create), else `knownSecret` (from state); `[REDACTED]` is never stored. `shaping` is the
 * inputs, or the stored outputs on a read: the outputs carry the rotation fields of its
 * `created_at` and rotation inputs (the API knows neither; see rotation.ts), and `regions_details`
 * when it asks for them (see regions-details.ts), and its `connection` (see connection.ts).
 */
export function toOutputs(key: ApiKey, knownSecret?: unknown, shaping?: Readonly<Record<string, unknown>>): KeyOutputs {
  const secret = key.secret_key !== REDACTED ? key.secret_key : typeof knownSecret === "string" && knownSecret !== REDACTED ? knownSecret : undefined;
  const outputs: KeyOutputs = {
    label: key.label,
    access_key: key.access_key,
    limited: key.limited,
    bucket_access:
      key.bucket_access === null
        ? null
        : [...key.bucket_access].sort(
            (a, b) =>
              byText(a.region, b.region) ||
              byText(a.bucket_name, b.bucket_name) ||
              byText(a.permissions, b.permissions) ||
              byText(a.cluster ?? "", b.cluster ?? ""),
          ),
    regions: [...new Set(key.regions.map((r) => r.id))].sort(byText),
    ...detailsOutputs(key, shaping),
    ...connectionOutputs(shaping),
  };
  if (secret !== undefined) outputs.secret_key = secret;
  if (shaping) Object.assign(outputs, rotationOutputs(shaping.created_at, shaping));
  return outputs;
}
