/**
 * Input validation (`check`), as pure functions: each rule names the property and the reason, and
 * returns the inputs' normal form. Makes no API call.
 *
 * @packageDocumentation
 */
import type { BucketAccessInput } from "./codecs";
import { CLUSTER_ID, HOSTS_OF_CLUSTERLESS_REGIONS, clusterToRegion, effectiveRegion } from "./access";
import { validateConnection } from "./connection";
import { CREATE_MARKER_PREFIX } from "./create-marker";
import { validateIncludeDetails } from "./regions-details";
import { validateRotation } from "./rotation";
import { UNKNOWN, containsUnknown, isUnknown } from "./unknowns";
import { validateUsable } from "./usable";
import { isRecord, typeName } from "./values";

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
/** S3 bucket naming, which Linode follows: 3-63 of a-z 0-9 . -, starting and ending alphanumeric. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** One failed rule: the property path (e.g. `bucket_access[1].permissions`) and why. */
export interface Failure {
  /** Property path in the resource's inputs. */
  property: string;
  /** What is wrong and how to fix it. */
  reason: string;
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
  // UTF-16 code units, as Cloud Manager's @linode/validation counts and the emulator does: the
  // live API's own count is not recorded anywhere (an emoji is 2 units here, 1 code point).
  const length = trimmed.length;
  if (length < LABEL_MIN || length > LABEL_MAX) {
    return void fail("label", `must be ${LABEL_MIN} to ${LABEL_MAX} characters long after trimming spaces (Linode's rule); it has ${length}`);
  }
  // Control characters are exactly what this rule looks for.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(trimmed)) return void fail("label", "must not contain control characters such as newlines or tabs");
  if (trimmed.startsWith(CREATE_MARKER_PREFIX)) {
    return void fail(
      "label",
      `must not start with "${CREATE_MARKER_PREFIX}": that prefix marks keys this package is still creating, and \`linode-objkey untracked\` offers such keys for revoking`,
    );
  }
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
    if (!item || item === UNKNOWN || containsUnknown(item)) return;
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

/** One access entry in its normal form, the unknown value during preview, or `undefined` when it fails. */
function validateAccess(item: unknown, path: string, fail: Fail): BucketAccessInput | typeof UNKNOWN | undefined {
  if (isUnknown(item)) return UNKNOWN;
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
