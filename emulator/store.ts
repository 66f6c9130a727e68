/**
 * In-memory Object Storage key store: request validation and the exact response
 * shapes of the live API. No HTTP here; failures are thrown as {@link LinodeError}.
 */
import { randomInt } from "node:crypto";
import { KEY_LIMIT_REFUSAL, LIVE_KEY_LIMIT } from "./catalogue";
import { DEFAULT_ORDER_SEED, OrderSeed, permute } from "./order";
import { LIVE_CATALOGUE, RegionCatalogue, RegionEndpoint, liveDefaultRegionsIn } from "./regions";

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
  constructor(
    readonly status: number,
    readonly errors: ErrorItem[],
  ) {
    super(errors.map((e) => (e.field ? `[${e.field}] ${e.reason}` : e.reason)).join("; "));
    this.name = "LinodeError";
  }
}

// Reasons the emulator gives where no live answer was recorded (undocumented: assumed). Tests
// must not present them as the live wording.
const LABEL_REASON = "Label must be between 3 and 50 characters.";
const REGIONS_REASON = "regions must include every region in bucket_access";
// Live (2026): the 404 body of GET/PUT/DELETE for a key the token cannot see.
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

/** Options of a {@link KeyStore}. */
export interface StoreOptions {
  /** Id given to the first key created; default 1000. */
  firstId?: number;
  /** The account's regions; default the live catalogue of 2026-04-30 (23 regions). */
  catalogue?: RegionCatalogue;
  /**
   * Regions of a key created without `regions` and without `bucket_access`; default the 18 regions
   * one live account got (2026-05-06). Must be in the catalogue.
   */
  defaultRegions?: readonly string[];
  /** Order of lists in answers (see order.ts); default {@link DEFAULT_ORDER_SEED}. `null`: canonical order. */
  orderSeed?: OrderSeed;
  /** The most keys the account holds; a create beyond it is refused. Default {@link LIVE_KEY_LIMIT}. */
  keyLimit?: number;
}

/** `GET /object-storage/global-quotas/keys/usage`: the account's key limit and how many keys it holds. */
export interface KeyQuotaUsage {
  /** The most keys the account may hold. */
  quota_limit: number;
  /** The keys it holds now. */
  usage: number;
}

/** Holds keys and implements create/get/list/update/revoke. */
export class KeyStore {
  private readonly keys = new Map<number, ApiKey>();
  private readonly answers = new Map<number, number>();
  /** When each key was created (epoch ms): the S3 endpoints refuse a new key for a while (s3-api.ts). */
  private readonly created = new Map<number, number>();
  private nextId: number;
  private readonly catalogue: RegionCatalogue;
  private readonly defaultRegions: readonly string[];
  private readonly orderSeed: OrderSeed;
  private keyLimit: number;

  /** @param opts see {@link StoreOptions}; throws when a default region is not in the catalogue. */
  constructor(opts: StoreOptions = {}) {
    this.nextId = opts.firstId ?? 1000;
    this.catalogue = opts.catalogue ?? LIVE_CATALOGUE;
    this.defaultRegions = opts.defaultRegions ?? liveDefaultRegionsIn(this.catalogue);
    this.orderSeed = opts.orderSeed === undefined ? DEFAULT_ORDER_SEED : opts.orderSeed;
    this.keyLimit = checkKeyLimit(opts.keyLimit ?? LIVE_KEY_LIMIT);
    const unknown = this.defaultRegions.filter((id) => !this.catalogue.find(id));
    if (unknown.length) throw new Error(`default regions not in the catalogue: ${unknown.join(", ")}`);
  }

  /** POST: validates `body` and stores a key. Returns it with the real secret. */
  create(body: unknown): ApiKey {
    const obj = checkBody(body, ["label", "bucket_access", "regions"]);
    const label = checkLabel(obj.label);
    // Checked after the body, so a bad body answers as it would below the limit (undocumented: assumed).
    if (this.keys.size >= this.keyLimit) throw new LinodeError(KEY_LIMIT_REFUSAL.status, [{ reason: KEY_LIMIT_REFUSAL.reason }]);
    // Live (Cloud Manager, 2022-2024): bucket_access null is an unlimited key, as if omitted.
    const access = obj.bucket_access === undefined || obj.bucket_access === null ? null : this.checkBucketAccess(obj.bucket_access);
    const bucketRegions = (access ?? []).map((a) => a.region);
    // Live (2024-07): regions that leave out a bucket's region are accepted, and the key gets the
    // union. Live (2026-05): a limited key without regions gets its buckets' regions only; an
    // unlimited one the account's default regions. A limited key with [] and no regions gets none:
    // undocumented: assumed.
    const requested = obj.regions !== undefined ? this.checkRegions(obj.regions) : access ? [] : this.defaultRegions;
    const key: ApiKey = {
      id: this.nextId++,
      label,
      access_key: randomString(20, UPPER_ALNUM),
      secret_key: randomString(40, MIXED_ALNUM),
      limited: access !== null,
      bucket_access: access,
      regions: this.catalogue.endpointsFor([...bucketRegions, ...requested]),
    };
    this.keys.set(key.id, key);
    this.created.set(key.id, Date.now());
    // Live (2026-05-06): the POST answer echoes bucket_access in request order.
    return this.answer(key, { secret: true, accessInRequestOrder: true });
  }

  /** GET one key (secret redacted); 404 when missing. */
  get(id: number): ApiKey {
    return this.answer(this.find(id));
  }

  /**
   * GET the collection: keys in id order, secrets redacted. The 25..500 range of `page_size` is
   * the spec's. Undocumented: assumed: the error's wording, a page past the end giving the last
   * page, and a page that is not a whole number giving page 1.
   */
  list(page: number, pageSize: number): Page<ApiKey> {
    if (!Number.isInteger(pageSize) || pageSize < 25 || pageSize > 500) throw bad("page_size", "page_size must be a value between 25 and 500");
    const all = [...this.keys.values()].sort((a, b) => a.id - b.id);
    const pages = Math.max(1, Math.ceil(all.length / pageSize));
    const p = Math.min(Math.max(1, Number.isInteger(page) ? page : 1), pages);
    return { data: all.slice((p - 1) * pageSize, p * pageSize).map((k) => this.answer(k)), page: p, pages, results: all.length };
  }

  /** PUT: only `label` and `regions`; `regions` replaces the list but must keep every bucket region. */
  update(id: number, body: unknown): ApiKey {
    const key = this.find(id);
    const obj = checkBody(body, ["label", "regions"]);
    const label = obj.label === undefined ? key.label : checkLabel(obj.label);
    let regions = key.regions;
    if (obj.regions !== undefined) {
      const ids = this.checkRegions(obj.regions);
      // The sources conflict: spec 4.189 says a PUT whose regions drop a bucket's region fails; a
      // 2024-07 recording answered 200 and dropped it. The emulator follows the spec, so that a
      // client sending such a PUT fails its tests; the provider never sends one.
      if (key.bucket_access && key.bucket_access.some((a) => !ids.includes(a.region))) throw bad("regions", REGIONS_REASON);
      regions = this.catalogue.endpointsFor(ids);
    }
    key.label = label;
    key.regions = regions;
    return this.answer(key);
  }

  /** The key with this access key id (the stored object, real secret), and when it was created; `undefined` when none. */
  byAccessKey(accessKey: string): { key: ApiKey; createdAt: number } | undefined {
    for (const key of this.keys.values()) if (key.access_key === accessKey) return { key, createdAt: this.created.get(key.id) ?? 0 };
    return undefined;
  }

  /** The key quota: the limit and the keys held now. */
  usage(): KeyQuotaUsage {
    return { quota_limit: this.keyLimit, usage: this.keys.size };
  }

  /** Changes the key limit (as Linode support would); keys already above it stay. */
  setKeyLimit(limit: number): void {
    this.keyLimit = checkKeyLimit(limit);
  }

  /** DELETE; 404 when missing. */
  revoke(id: number): void {
    this.find(id);
    this.keys.delete(id);
    this.created.delete(id);
  }

  /** Changes a label without validation, as another tool might. 404 when missing. */
  setLabel(id: number, label: string): void {
    this.find(id).label = label;
  }

  /** All keys with their real secrets, in id order, lists in canonical order (copies). */
  snapshot(): ApiKey[] {
    return [...this.keys.values()].sort((a, b) => a.id - b.id).map((k) => structuredClone(k));
  }

  /** Removes every key; ids keep counting up so they are never reused. */
  clear(): void {
    this.keys.clear();
    this.answers.clear();
    this.created.clear();
  }

  private find(id: number): ApiKey {
    const key = this.keys.get(id);
    if (!key) throw new LinodeError(404, [{ reason: NOT_FOUND }]);
    return key;
  }

  /**
   * A key as one answer shows it: a copy, secret redacted unless `secret`, lists in this answer's
   * order (order.ts). Reads permute bucket_access too: live order on reads is unrecorded
   * (undocumented: assumed not guaranteed), and clients must not depend on it.
   */
  private answer(key: ApiKey, o: { secret?: boolean; accessInRequestOrder?: boolean } = {}): ApiKey {
    const n = this.answers.get(key.id) ?? 0;
    this.answers.set(key.id, n + 1);
    // Copied field by field, not with structuredClone: a listing copies every key, and in the
    // benchmark structuredClone was most of the emulator's time (183 of 275 ms for 200 creates).
    const regions = permute(this.orderSeed, [key.id, n, 1], key.regions).map((r) => ({ ...r }));
    const access = key.bucket_access?.map((b) => ({ ...b })) ?? null;
    return {
      ...key,
      regions,
      bucket_access: access && !o.accessInRequestOrder ? permute(this.orderSeed, [key.id, n, 2], access) : access,
      secret_key: o.secret ? key.secret_key : REDACTED,
    };
  }

  private checkRegions(regions: unknown): string[] {
    // Undocumented: assumed. No live answer is recorded for [], a non-list, or an unknown region.
    if (!Array.isArray(regions) || regions.length === 0) throw bad("regions", "regions must be a non-empty array of region ids");
    regions.forEach((r, i) => {
      if (typeof r !== "string" || !this.catalogue.find(r)) throw bad(`regions[${i}]`, "Region not found");
    });
    return regions as string[];
  }

  private checkBucketAccess(list: unknown): BucketAccess[] {
    // Undocumented: assumed (every rule below that answers 400): live answers to these inputs are
    // unrecorded. The permissions are the spec's enum.
    if (!Array.isArray(list)) throw bad("bucket_access", "bucket_access must be an array");
    return list.map((item, i): BucketAccess => {
      const at = `bucket_access[${i}]`;
      if (!isObject(item)) throw bad(at, "bucket_access entries must be objects");
      for (const k of Object.keys(item))
        if (!["bucket_name", "permissions", "region", "cluster"].includes(k)) throw bad(`${at}.${k}`, `${k} is not a valid field`);
      const { bucket_name, permissions, region, cluster } = item;
      if (typeof bucket_name !== "string" || bucket_name === "") throw bad(`${at}.bucket_name`, "bucket_name is required");
      if (permissions !== "read_only" && permissions !== "read_write") throw bad(`${at}.permissions`, "permissions must be one of read_only, read_write");
      if (region === null || (region !== undefined && typeof region !== "string")) throw bad(`${at}.region`, "region must be a string");
      if (cluster === null || (cluster !== undefined && typeof cluster !== "string")) throw bad(`${at}.cluster`, "cluster must be a string");
      if (region === undefined && cluster === undefined) throw bad(`${at}.region`, "region is required");
      const fromRegion = region === undefined ? undefined : this.catalogue.find(region);
      if (region !== undefined && !fromRegion) throw bad(`${at}.region`, "Region not found");
      const fromCluster = cluster === undefined ? undefined : this.catalogue.forCluster(cluster);
      if (cluster !== undefined && !fromCluster) throw bad(`${at}.cluster`, "Cluster not found");
      // Live (2025-01, linodego v1): region and cluster both set and agreeing is accepted.
      if (fromRegion && fromCluster && fromRegion !== fromCluster) throw bad(`${at}.cluster`, "cluster does not match region");
      const r = (fromRegion ?? fromCluster)!;
      // Live (2026-05-06): the same bucket twice with two permissions is kept, both entries, in
      // request order. An exact duplicate is kept too: undocumented: assumed.
      return { cluster: r.cluster, bucket_name, permissions, region: r.id };
    });
  }
}

// Undocumented: assumed. No live answer is recorded for unknown request fields or a body that is not an object.
function checkBody(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  const obj = body === undefined ? {} : body;
  if (!isObject(obj)) throw new LinodeError(400, [{ reason: "Request body must be a JSON object" }]);
  for (const k of Object.keys(obj)) if (!allowed.includes(k)) throw bad(k, `${k} is not a valid field`);
  return obj;
}

// Undocumented: assumed. 3..50 is Cloud Manager's rule; no live answer to a label outside it is recorded.
// Length in UTF-16 code units, as @linode/validation counts (the provider's check counts the same way);
// counted as sent, untrimmed: @linode/validation trims first, and what the API itself does is not recorded.
function checkLabel(label: unknown): string {
  if (typeof label !== "string" || label.length < 3 || label.length > 50) throw bad("label", LABEL_REASON);
  return label;
}

/** A key limit: a whole number, 0 or more. */
export function checkKeyLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new Error(`the key limit must be a whole number from 0, not ${limit}`);
  return limit;
}
