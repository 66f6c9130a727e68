/**
 * Wire shapes of the Linode Object Storage keys API and of the resource's inputs and outputs,
 * as io-ts codecs: the single source of this package's types.
 *
 * The codecs are built by {@link makeCodecs} rather than held in module-level constants: a
 * dynamic provider is serialized by value when its code is not in `node_modules`, and a
 * serialized io-ts codec loses the `this` its methods rely on (`this.validate is not a
 * function`). Callers build them when a call runs, through {@link codecs}.
 *
 * @packageDocumentation
 */
import { objkeyError } from "./errors";
import { processSingleton } from "./process-singleton";
import * as t from "io-ts";

/** The shapes of the API's answers. */
function apiCodecs() {
  const Permissions = t.keyof({ read_only: null, read_write: null }, "Permissions");

  /** One `bucket_access` entry as the API reports it (`cluster` is derived by the API). */
  const ApiBucketAccess = t.intersection(
    [t.type({ bucket_name: t.string, permissions: Permissions, region: t.string }), t.partial({ cluster: t.union([t.string, t.null]) })],
    "ApiBucketAccess",
  );

  /** One regions entry: a region can appear once per S3 endpoint. */
  const ApiRegion = t.intersection([t.type({ id: t.string, s3_endpoint: t.string }), t.partial({ endpoint_type: t.union([t.string, t.null]) })], "ApiRegion");

  const ApiKey = t.type(
    {
      id: t.Int,
      label: t.string,
      access_key: t.string,
      secret_key: t.string,
      limited: t.boolean,
      bucket_access: t.union([t.array(ApiBucketAccess), t.null]),
      regions: t.array(ApiRegion),
    },
    "ApiKey",
  );

  const ApiKeyPage = t.type({ data: t.array(ApiKey), page: t.Int, pages: t.Int, results: t.Int }, "ApiKeyPage");

  /**
   * A key's id and label, all that proving an endpoint answers needs from a listing: decoding
   * only these takes a third of the time of whole keys (their endpoints are most of a key).
   */
  const KeyRef = t.type({ id: t.Int, label: t.string }, "KeyRef");
  const KeyRefPage = t.type({ data: t.array(KeyRef), page: t.Int, pages: t.Int, results: t.Int }, "KeyRefPage");

  /** `GET /object-storage/global-quotas/keys/usage`: the account's key limit and the keys it holds. */
  const KeyQuota = t.type({ quota_limit: t.Int, usage: t.Int }, "KeyQuota");

  const ApiErrorBody = t.type(
    {
      errors: t.array(t.intersection([t.type({ reason: t.string }), t.partial({ field: t.union([t.string, t.null]) })])),
    },
    "ApiErrorBody",
  );

  /** The body of a successful revoke: `{}`, or none (a 204 revokes too). */
  const Revoked = t.union([t.UnknownRecord, t.undefined], "Revoked");

  return { Permissions, ApiBucketAccess, ApiRegion, ApiKey, ApiKeyPage, KeyRef, KeyRefPage, KeyQuota, ApiErrorBody, Revoked };
}

/** The shapes of the resource's inputs and stored outputs, built on the API's. */
function resourceCodecs({ Permissions, ApiBucketAccess }: Pick<ReturnType<typeof apiCodecs>, "Permissions" | "ApiBucketAccess">) {
  /** A `bucket_access` input: exactly one of `region` and the legacy `cluster` is set (see validation.ts). */
  const BucketAccessInput = t.intersection(
    [t.type({ bucket_name: t.string, permissions: Permissions }), t.partial({ region: t.string, cluster: t.string })],
    "BucketAccessInput",
  );

  /** A key's own account (connection.ts); `url` and `apiVersion` are filled in by check. */
  const Connection = t.intersection([t.type({ token: t.string }), t.partial({ url: t.string, apiVersion: t.string })], "Connection");

  const KeyInputs = t.intersection(
    [
      t.type({ label: t.string }),
      t.partial({
        bucket_access: t.array(BucketAccessInput),
        regions: t.array(t.string),
        // Ranges are checked by check (rotation.ts), which names the property; the codec gives the types.
        rotation_days: t.number,
        rotation_trigger: t.string,
        include_regions_details: t.boolean,
        connection: Connection,
        // Used by create only (usable.ts), so never stored in outputs: toggling them changes no key.
        wait_until_usable: t.boolean,
        wait_until_usable_timeout_seconds: t.number,
      }),
    ],
    "KeyInputs",
  );

  const RegionDetails = t.type({ id: t.string, s3_endpoint: t.string, endpoint_type: t.union([t.string, t.null]) }, "RegionDetails");

  /** What the provider stores as the resource's outputs. */
  const KeyOutputs = t.intersection(
    [
      t.type({
        label: t.string,
        access_key: t.string,
        limited: t.boolean,
        bucket_access: t.union([t.array(ApiBucketAccess), t.null]),
        regions: t.array(t.string),
      }),
      t.partial({
        // Only with `include_regions_details: true`, which outputs then repeat (outputs.ts, toOutputs).
        regions_details: t.array(RegionDetails),
        include_regions_details: t.boolean,
        secret_key: t.string,
        // Rotation: the API has none of these; the provider records and derives them (rotation.ts).
        created_at: t.string,
        rotation_due_at: t.string,
        rotation_days: t.number,
        rotation_trigger: t.string,
        // The account the key lives in when it is not the stack's; a secret output (connection.ts).
        connection: Connection,
      }),
    ],
    "KeyOutputs",
  );

  return { BucketAccessInput, Connection, KeyInputs, RegionDetails, KeyOutputs };
}

/** Builds every codec. Pure; the result is cached per process by {@link codecs}. */
export function makeCodecs() {
  const api = apiCodecs();
  return { ...api, ...resourceCodecs(api) };
}

/** Every codec, by name. */
export type Codecs = ReturnType<typeof makeCodecs>;

/**
 * The codecs, built once per process. The cache lives on `globalThis` under a registered symbol,
 * so a serialized provider never carries codec objects with it.
 */
export function codecs(): Codecs {
  return processSingleton("codecs", makeCodecs);
}

/** A bucket permission: `read_only` or `read_write`. */
export type Permissions = t.TypeOf<Codecs["Permissions"]>;
/** A key as the API returns it. `secret_key` is real only in the create response, else `[REDACTED]`. */
export type ApiKey = t.TypeOf<Codecs["ApiKey"]>;
/** The account's access-key quota: `quota_limit` keys at most, `usage` held now. */
export type KeyQuota = t.TypeOf<Codecs["KeyQuota"]>;
/** A `bucket_access` entry as the API reports it. */
export type ApiBucketAccess = t.TypeOf<Codecs["ApiBucketAccess"]>;
/** One page of the keys list. */
export type ApiKeyPage = t.TypeOf<Codecs["ApiKeyPage"]>;
/** Linode's error body. */
export type ApiErrorBody = t.TypeOf<Codecs["ApiErrorBody"]>;
/** A validated `bucket_access` input entry. */
export type BucketAccessInput = t.TypeOf<Codecs["BucketAccessInput"]>;
/**
 * What the engine hands the provider's verbs: property values as the program or the state gave
 * them, not yet validated (inputs before `check`, outputs written by any version), plus the
 * serialized provider under `__provider`. Decode before trusting a field.
 */
export type EngineProps = Record<string, unknown> & { readonly __provider?: unknown };
/** Validated resource inputs, as the provider receives them after `check`. */
export type KeyInputs = t.TypeOf<Codecs["KeyInputs"]>;
/** One S3 endpoint of a region the key can use. */
export type RegionDetails = t.TypeOf<Codecs["RegionDetails"]>;
/** The resource's outputs as stored in state. */
export type KeyOutputs = t.TypeOf<Codecs["KeyOutputs"]>;

/**
 * Formats io-ts errors as `path: expected Type`, without echoing the offending values (a value
 * could be a secret). Members of unions and intersections add no path segment.
 */
export function describeDecodeErrors(errors: t.Errors): string {
  const lines = errors.slice(0, 5).map((e) => {
    let path = "";
    e.context.forEach((c, i) => {
      const parent = i > 0 ? (e.context[i - 1].type as { _tag?: string }) : undefined;
      if (!parent || parent._tag === "UnionType" || parent._tag === "IntersectionType") return;
      path += /^\d+$/.test(c.key) ? `[${c.key}]` : `${path ? "." : ""}${c.key}`;
    });
    const expected = e.context[e.context.length - 1]?.type.name ?? "value";
    return `${path || "(response)"}: expected ${expected}`;
  });
  const more = errors.length > 5 ? ` (and ${errors.length - 5} more)` : "";
  return lines.join("; ") + more;
}

/** One key id, as the engine hands it over (a string) or a caller gives it: a positive integer. */
export function parseKeyId(id: unknown): number {
  // Canonical decimal only: "01000", "1e3", "0x3f7" or "+1000" would name key 1000 under another id.
  const n = typeof id === "number" ? id : typeof id === "string" && /^[1-9]\d{0,15}$/.test(id) ? Number(id) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw objkeyError(
      "settings",
      `${JSON.stringify(String(id)).slice(0, 40)} is not an Object Storage key id (a positive whole number written in decimal digits, without leading zeros).`,
    );
  }
  return n;
}
