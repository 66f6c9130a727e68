/**
 * The rules of an Object Storage key, as pure functions: input validation (`check`), the
 * normal form the API gives a key's access list, what a change updates and what replaces
 * ("why did my key get replaced?"), and how an API answer becomes the resource's outputs.
 *
 * @packageDocumentation
 */
import type { ApiKey, BucketAccessInput, KeyInputs, KeyOutputs } from "./codecs";
import type { CreateKeyBody, UpdateKeyBody } from "./client";

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
 * The region a legacy cluster id stands for: the cluster id without its trailing `-<number>`
 * (`us-east-1` → `us-east`, `us-ord-10` → `us-ord`). Region ids that themselves end in a number
 * (`de-fra-2`) are not clusters; write them as `region`.
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
const INPUT_KEYS = ["label", "bucket_access", "regions"];
const ACCESS_KEYS = ["bucket_name", "permissions", "region", "cluster"];
const OUTPUT_ONLY = ["access_key", "secret_key", "limited", "regions_details"];

/**
 * Validates raw inputs (as `check` receives them, without `__provider`) and returns their normal
 * form: label trimmed, regions deduplicated. Values still unknown during preview are not failures.
 * Makes no API call; every failure names its property.
 */
export function validateInputs(raw: Record<string, unknown>): { inputs: Record<string, unknown>; failures: Failure[] } {
  const failures: Failure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });
  const inputs: Record<string, unknown> = {};

  for (const key of Object.keys(raw)) {
    if (INPUT_KEYS.includes(key) || raw[key] === undefined) continue;
    const hint = OUTPUT_ONLY.includes(key)
      ? "it is an output that Linode sets, not an input"
      : "the inputs are label, bucket_access and regions (snake_case, as the Linode API names them)";
    fail(key === "" ? '""' : key, `unknown property: ${hint}`);
  }

  // label
  const label = raw.label;
  if (label === undefined || label === null) fail("label", "is required: give the key a label of 3 to 50 characters");
  else if (isUnknown(label)) inputs.label = label;
  else if (typeof label !== "string") fail("label", `must be a string, not ${typeName(label)}`);
  else {
    const trimmed = label.trim();
    const length = [...trimmed].length;
    if (length < LABEL_MIN || length > LABEL_MAX) {
      fail("label", `must be ${LABEL_MIN} to ${LABEL_MAX} characters long after trimming spaces (Linode's rule); it has ${length}`);
    } else if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(trimmed)) {
      fail("label", "must not contain control characters such as newlines or tabs");
    } else inputs.label = trimmed;
  }

  // regions
  let regions: string[] | undefined;
  const rawRegions = raw.regions;
  if (rawRegions !== undefined) {
    if (isUnknown(rawRegions)) inputs.regions = rawRegions;
    else if (!Array.isArray(rawRegions)) {
      fail("regions", `must be a list of region ids, not ${typeName(rawRegions)}; omit it to let Linode choose the regions`);
    } else if (rawRegions.length === 0) {
      fail("regions", "must not be empty (the API rejects it): list at least one region id, or omit regions to let Linode choose");
    } else if (rawRegions.length > MAX_REGIONS) {
      fail("regions", `has ${rawRegions.length} entries; at most ${MAX_REGIONS} are accepted`);
    } else {
      const before = failures.length;
      rawRegions.forEach((r, i) => {
        if (isUnknown(r)) return;
        if (typeof r !== "string") fail(`regions[${i}]`, `must be a region id string, not ${typeName(r)}`);
        else if (!REGION_ID.test(r) || r.length > 64) {
          fail(`regions[${i}]`, `"${r.slice(0, 64)}" is not a region id: use lower-case letters, digits and dashes, e.g. us-east`);
        }
      });
      const ok = failures.length === before;
      if (ok) {
        regions = [...new Set(rawRegions as string[])];
        inputs.regions = regions;
      }
    }
  }

  // bucket_access
  const rawAccess = raw.bucket_access;
  if (rawAccess === null) {
    fail("bucket_access", "must be a list, not null: omit it for an unlimited key, or use [] for a key with access to no bucket");
  } else if (rawAccess !== undefined) {
    if (isUnknown(rawAccess)) inputs.bucket_access = rawAccess;
    else if (!Array.isArray(rawAccess)) fail("bucket_access", `must be a list of { bucket_name, permissions, region }, not ${typeName(rawAccess)}`);
    else if (rawAccess.length > MAX_BUCKET_ACCESS) {
      fail("bucket_access", `has ${rawAccess.length} entries; at most ${MAX_BUCKET_ACCESS} are accepted (the API fails on large lists)`);
    } else {
      const seen = new Map<string, number>();
      const items = rawAccess.map((item, i) => validateAccess(item, `bucket_access[${i}]`, fail));
      items.forEach((item, i) => {
        if (!item || containsUnknown(item)) return;
        const region = effectiveRegion(item);
        const id = `${region}/${item.bucket_name}`;
        const first = seen.get(id);
        if (first !== undefined) {
          fail(`bucket_access[${i}]`, `repeats bucket "${item.bucket_name}" in ${region} from bucket_access[${first}]: list each bucket once, with one permission`);
        } else seen.set(id, i);
        if (regions && !regions.some(isUnknown) && !regions.includes(region)) {
          fail("regions", `must include ${region}, the region of bucket_access[${i}] ("${item.bucket_name}"): the API rejects a limited key whose regions leave out a bucket's region`);
        }
      });
      if (items.every((x) => x !== undefined)) inputs.bucket_access = items;
    }
  }
  return { inputs, failures };
}

function validateAccess(
  item: unknown,
  path: string,
  fail: (property: string, reason: string) => void,
): BucketAccessInput | undefined {
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
    if (!ACCESS_KEYS.includes(key) && item[key] !== undefined) flag(`${path}.${key === "" ? '""' : key}`, "unknown property: use bucket_name, permissions and region (or the legacy cluster)");
  }
  const { bucket_name, permissions, region, cluster } = item;
  if (bucket_name === undefined || bucket_name === null) flag(`${path}.bucket_name`, "is required");
  else if (!isUnknown(bucket_name)) {
    if (typeof bucket_name !== "string") flag(`${path}.bucket_name`, `must be a string, not ${typeName(bucket_name)}`);
    else if (!BUCKET_NAME.test(bucket_name) || /\.\.|\.-|-\./.test(bucket_name) || /^\d+\.\d+\.\d+\.\d+$/.test(bucket_name)) {
      flag(`${path}.bucket_name`, `"${bucket_name.slice(0, 70)}" is not a valid bucket name: 3 to 63 lower-case letters, digits, dots and dashes, starting and ending with a letter or digit, not shaped like an IP address`);
    }
  }
  if (permissions === undefined || permissions === null) flag(`${path}.permissions`, 'is required: "read_only" or "read_write"');
  else if (!isUnknown(permissions) && permissions !== "read_only" && permissions !== "read_write") {
    flag(`${path}.permissions`, `must be "read_only" or "read_write", not ${typeof permissions === "string" ? `"${permissions.slice(0, 40)}"` : typeName(permissions)}`);
  }
  const hasRegion = region !== undefined && region !== null;
  const hasCluster = cluster !== undefined && cluster !== null;
  if (hasRegion && hasCluster) flag(path, "sets both region and cluster: set exactly one (region is preferred; cluster is the legacy form)");
  else if (!hasRegion && !hasCluster) flag(`${path}.region`, "is required: the region of the bucket, e.g. us-east (or the legacy cluster, e.g. us-east-1)");
  else if (hasRegion && !isUnknown(region)) {
    if (typeof region !== "string" || !REGION_ID.test(region) || region.length > 64) {
      flag(`${path}.region`, `${typeof region === "string" ? `"${region.slice(0, 64)}"` : typeName(region)} is not a region id: use lower-case letters, digits and dashes, e.g. us-east`);
    }
  } else if (hasCluster && !isUnknown(cluster)) {
    if (typeof cluster !== "string" || !CLUSTER_ID.test(cluster) || cluster.length > 64) {
      flag(`${path}.cluster`, `${typeof cluster === "string" ? `"${cluster.slice(0, 64)}"` : typeName(cluster)} is not a legacy cluster id (a region id followed by -<number>, e.g. us-east-1); set region instead`);
    }
  }
  if (bad) return undefined;
  const out: Record<string, unknown> = { bucket_name, permissions };
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
 * absent), else the sorted, deduplicated `region/bucket/permissions` entries. `[]` stays `[]`:
 * a limited key with access to no bucket is not an unlimited key.
 */
export function accessSignature(list: unknown): string[] | null {
  if (list === null || list === undefined) return null;
  // Anything else that is not a list (a corrupt or foreign state) never equals a real list.
  if (!Array.isArray(list)) return [`invalid:${typeName(list)}`];
  const entry = (e: unknown) =>
    isRecord(e) ? `${effectiveRegion(e as { region?: string; cluster?: string })}/${String(e.bucket_name)}/${String(e.permissions)}` : `invalid:${typeName(e)}`;
  return [...new Set(list.map(entry))].sort();
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
  /** Properties whose change needs a new key: `bucket_access`, which the API cannot update, and a lost `secret_key`. */
  replaces: string[];
  /** Properties that an in-place update changes: `label`, `regions`. */
  updates: string[];
}

/**
 * Compares stored outputs (`olds`) with checked inputs (`news`). `bucket_access` replaces; `label`
 * and `regions` update in place. Removing `regions` from the program changes nothing (the API
 * chose them). Unknown values count as changes, and an unknown access list as a replacement.
 * `__provider` is ignored, so new provider code alone never causes a diff.
 */
export function diffKey(olds: Record<string, unknown>, news: Record<string, unknown>): KeyDiff {
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

  if (isUnknown(news.label) || (typeof news.label === "string" && news.label.trim() !== olds.label)) updates.push("label");

  const newRegions = news.regions;
  if (newRegions !== undefined) {
    const oldRegions = Array.isArray(olds.regions) ? olds.regions : [];
    if (containsUnknown(newRegions) || !Array.isArray(newRegions) || !sameSet(newRegions, oldRegions)) updates.push("regions");
  }
  return { changes: replaces.length + updates.length > 0, replaces, updates };
}

/** The create request for checked inputs; `bucket_access` is left out for an unlimited key. */
export function createBody(inputs: KeyInputs): CreateKeyBody {
  const body: CreateKeyBody = { label: inputs.label };
  if (inputs.bucket_access !== undefined) {
    // The current API schema takes `region` only, so a legacy cluster is sent as its region.
    body.bucket_access = inputs.bucket_access.map((e) => ({ bucket_name: e.bucket_name, permissions: e.permissions, region: effectiveRegion(e) }));
  }
  if (inputs.regions !== undefined) body.regions = [...inputs.regions];
  return body;
}

/** The update request: only what changed, or `undefined` when nothing did. */
export function updateBody(olds: KeyOutputs, news: KeyInputs): UpdateKeyBody | undefined {
  const body: UpdateKeyBody = {};
  if (news.label !== olds.label) body.label = news.label;
  if (news.regions !== undefined && !sameSet(news.regions, olds.regions)) body.regions = [...news.regions];
  return Object.keys(body).length ? body : undefined;
}

/**
 * The resource's outputs for an API key. `regions` is deduplicated (the API lists a region once
 * per endpoint); `regions_details` keeps every endpoint. The secret is the API's when it is real
 * (create), else `knownSecret` (from state); `[REDACTED]` is never stored.
 */
export function toOutputs(key: ApiKey, knownSecret?: unknown): KeyOutputs {
  const secret = key.secret_key !== REDACTED ? key.secret_key : typeof knownSecret === "string" && knownSecret !== REDACTED ? knownSecret : undefined;
  const outputs: KeyOutputs = {
    label: key.label,
    access_key: key.access_key,
    limited: key.limited,
    bucket_access: key.bucket_access,
    regions: [...new Set(key.regions.map((r) => r.id))],
    regions_details: key.regions.map((r) => ({ id: r.id, s3_endpoint: r.s3_endpoint, endpoint_type: r.endpoint_type ?? null })),
  };
  if (secret !== undefined) outputs.secret_key = secret;
  return outputs;
}
