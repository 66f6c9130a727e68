/**
 * In-memory Object Storage key store: request validation and the exact response
 * shapes of the live API. No HTTP here; failures are thrown as {@link LinodeError}.
 */
import { randomInt } from "node:crypto";
import { REGIONS, RegionEndpoint, endpointsFor, findRegion, regionForCluster } from "./regions";

/** Bucket permission levels accepted by the API. */
export type Permission = "read_only" | "read_write";

/** One `bucket_access[]` entry, keys in live order. */
export interface BucketAccess {
  cluster: string;
  bucket_name: string;
  permissions: Permission;
  region: string;
}

/** An Object Storage key as the API returns it (fields in live order). */
export interface ApiKey {
  id: number;
  label: string;
  access_key: string;
  secret_key: string;
  limited: boolean;
  bucket_access: BucketAccess[] | null;
  regions: RegionEndpoint[];
}

/** One entry of a Linode error body. */
export interface ErrorItem {
  reason: string;
  field?: string;
}

/** A paginated collection envelope. */
export interface Page<T> {
  data: T[];
  page: number;
  pages: number;
  results: number;
}

/** The literal the API puts in `secret_key` everywhere except the POST response. */
export const REDACTED = "[REDACTED]";

/** An API failure: HTTP status plus the `errors` array of the body. */
export class LinodeError extends Error {
  /** @param status HTTP status. @param errors body `errors` entries. */
  constructor(readonly status: number, readonly errors: ErrorItem[]) {
    super(errors.map((e) => (e.field ? `[${e.field}] ${e.reason}` : e.reason)).join("; "));
    this.name = "LinodeError";
  }
}

const LABEL_REASON = "Label must be between 3 and 50 characters.";
const REGIONS_REASON = "regions must include every region in bucket_access";
const NOT_FOUND = "The specified access key was not found.";

const bad = (field: string, reason: string) => new LinodeError(400, [{ reason, field }]);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function randomString(length: number, alphabet: string): string {
  let s = "";
  for (let i = 0; i < length; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

const UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const MIXED_ALNUM = UPPER_ALNUM + "abcdefghijklmnopqrstuvwxyz";

function checkBody(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  const obj = body === undefined ? {} : body;
  if (!isObject(obj)) throw new LinodeError(400, [{ reason: "Request body must be a JSON object" }]);
  for (const k of Object.keys(obj)) if (!allowed.includes(k)) throw bad(k, `${k} is not a valid field`);
  return obj;
}

function checkLabel(label: unknown): string {
  if (typeof label !== "string" || label.length < 3 || label.length > 50) throw bad("label", LABEL_REASON);
  return label;
}

function checkRegions(regions: unknown): string[] {
  if (!Array.isArray(regions) || regions.length === 0) throw bad("regions", "regions must be a non-empty array of region ids");
  regions.forEach((r, i) => {
    if (typeof r !== "string" || !findRegion(r)) throw bad(`regions[${i}]`, "Region not found");
  });
  return regions as string[];
}

function checkBucketAccess(list: unknown): BucketAccess[] {
  if (!Array.isArray(list)) throw bad("bucket_access", "bucket_access must be an array");
  return list.map((item, i): BucketAccess => {
    const at = `bucket_access[${i}]`;
    if (!isObject(item)) throw bad(at, "bucket_access entries must be objects");
    for (const k of Object.keys(item))
      if (!["bucket_name", "permissions", "region", "cluster"].includes(k)) throw bad(`${at}.${k}`, `${k} is not a valid field`);
    const { bucket_name, permissions, region, cluster } = item;
    if (typeof bucket_name !== "string" || bucket_name === "") throw bad(`${at}.bucket_name`, "bucket_name is required");
    if (permissions !== "read_only" && permissions !== "read_write")
      throw bad(`${at}.permissions`, "permissions must be one of read_only, read_write");
    // Explicit nulls are rejected by the live API (ansible_linode strips them for that reason).
    if (region === null || (region !== undefined && typeof region !== "string")) throw bad(`${at}.region`, "region must be a string");
    if (cluster === null || (cluster !== undefined && typeof cluster !== "string")) throw bad(`${at}.cluster`, "cluster must be a string");
    if (region === undefined && cluster === undefined) throw bad(`${at}.region`, "region is required");
    const fromRegion = region === undefined ? undefined : findRegion(region);
    if (region !== undefined && !fromRegion) throw bad(`${at}.region`, "Region not found");
    const fromCluster = cluster === undefined ? undefined : regionForCluster(cluster);
    if (cluster !== undefined && !fromCluster) throw bad(`${at}.cluster`, "Cluster not found");
    if (fromRegion && fromCluster && fromRegion !== fromCluster)
      throw bad(`${at}.cluster`, "cluster does not match region");
    const r = (fromRegion ?? fromCluster)!;
    return { cluster: r.cluster, bucket_name, permissions, region: r.id };
  });
}

function requireBucketRegions(regions: string[], access: BucketAccess[] | null): void {
  if (access && access.some((a) => !regions.includes(a.region))) throw bad("regions", REGIONS_REASON);
}

/** Holds keys and implements create/get/list/update/revoke. */
export class KeyStore {
  private readonly keys = new Map<number, ApiKey>();
  private nextId: number;

  /** @param firstId id given to the first key created. */
  constructor(firstId = 1000) {
    this.nextId = firstId;
  }

  /** POST: validates `body` and stores a key. Returns it with the real secret. */
  create(body: unknown): ApiKey {
    const obj = checkBody(body, ["label", "bucket_access", "regions"]);
    const label = checkLabel(obj.label);
    // Cloud Manager sends bucket_access: null for unlimited keys, so null means "omitted".
    const access = obj.bucket_access === undefined || obj.bucket_access === null ? null : checkBucketAccess(obj.bucket_access);
    const bucketRegions = (access ?? []).map((a) => a.region);
    let regionIds: string[];
    if (obj.regions !== undefined) {
      regionIds = checkRegions(obj.regions);
      requireBucketRegions(regionIds, access);
    } else {
      regionIds = access ? bucketRegions : REGIONS.map((r) => r.id);
    }
    const key: ApiKey = {
      id: this.nextId++,
      label,
      access_key: randomString(20, UPPER_ALNUM),
      secret_key: randomString(40, MIXED_ALNUM),
      limited: access !== null,
      bucket_access: access,
      regions: endpointsFor([...regionIds, ...bucketRegions]),
    };
    this.keys.set(key.id, key);
    return structuredClone(key);
  }

  /** GET one key (secret redacted); 404 when missing. */
  get(id: number): ApiKey {
    return redact(this.find(id));
  }

  /** GET the collection: keys in id order, secrets redacted; page past the end gives the last page. */
  list(page: number, pageSize: number): Page<ApiKey> {
    if (!Number.isInteger(pageSize) || pageSize < 25 || pageSize > 500)
      throw bad("page_size", "page_size must be a value between 25 and 500");
    const all = [...this.keys.values()].sort((a, b) => a.id - b.id);
    const pages = Math.max(1, Math.ceil(all.length / pageSize));
    const p = Math.min(Math.max(1, Number.isInteger(page) ? page : 1), pages);
    return { data: all.slice((p - 1) * pageSize, p * pageSize).map(redact), page: p, pages, results: all.length };
  }

  /** PUT: only `label` and `regions`; `regions` replaces the list but must keep every bucket region. */
  update(id: number, body: unknown): ApiKey {
    const key = this.find(id);
    const obj = checkBody(body, ["label", "regions"]);
    const label = obj.label === undefined ? key.label : checkLabel(obj.label);
    let regions = key.regions;
    if (obj.regions !== undefined) {
      const ids = checkRegions(obj.regions);
      requireBucketRegions(ids, key.bucket_access);
      regions = endpointsFor(ids);
    }
    key.label = label;
    key.regions = regions;
    return redact(key);
  }

  /** DELETE; 404 when missing. */
  revoke(id: number): void {
    this.find(id);
    this.keys.delete(id);
  }

  /** Changes a label without validation, as another tool might. 404 when missing. */
  setLabel(id: number, label: string): void {
    this.find(id).label = label;
  }

  /** All keys with their real secrets, in id order (copies). */
  snapshot(): ApiKey[] {
    return [...this.keys.values()].sort((a, b) => a.id - b.id).map((k) => structuredClone(k));
  }

  /** Removes every key; ids keep counting up so they are never reused. */
  clear(): void {
    this.keys.clear();
  }

  private find(id: number): ApiKey {
    const key = this.keys.get(id);
    if (!key) throw new LinodeError(404, [{ reason: NOT_FOUND }]);
    return key;
  }
}

function redact(key: ApiKey): ApiKey {
  return { ...structuredClone(key), secret_key: REDACTED };
}
