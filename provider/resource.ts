/**
 * `ObjectStorageKey`: the resource users declare in their Pulumi programs.
 *
 * @packageDocumentation
 */
import * as pulumi from "@pulumi/pulumi";
import type { ApiBucketAccess, Permissions, RegionDetails } from "./codecs";
import { guardConnection, omitResponsesFromDebugLog, refusePlainToken } from "./program-guards";
import { OBJECT_STORAGE_KEY_TYPE } from "./type-token";
import { objectStorageKeyProvider } from "./provider";

/** One bucket the key may use, and how. */
export interface BucketAccessArgs {
  /** The bucket's name (S3 naming: 3-63 lower-case letters, digits, dots and dashes). Changing it replaces the key. */
  bucket_name: pulumi.Input<string>;
  /** `read_only` or `read_write`. Changing it replaces the key. */
  permissions: pulumi.Input<Permissions>;
  /** The bucket's region, e.g. `us-east`. Set this or `cluster`; both only when they name the same region. */
  region?: pulumi.Input<string>;
  /**
   * Legacy: the bucket's cluster, e.g. `us-east-1`. Its region is the cluster id without its
   * trailing `-<number>` (`us-east-1` → `us-east`); the provider sends that region.
   * @deprecated Linode replaced clusters with regions: set `region` (for `us-east-1`, `us-east`).
   */
  cluster?: pulumi.Input<string>;
}

/**
 * The Linode account a key lives in, when it is not the stack's (`linode:token` or
 * `LINODE_TOKEN`). The names are those of the `linode:` config keys, so values copy across.
 *
 * ## Example Usage
 *
 * ```ts
 * import * as pulumi from "@pulumi/pulumi";
 * import { ObjectStorageKey } from "pulumi-linode-objkey";
 *
 * const staging = new pulumi.Config("staging");
 * const stagingAccount = { token: staging.requireSecret("linodeToken") };
 *
 * new ObjectStorageKey("prod-backups", { label: "backups" }); // the stack's account
 * new ObjectStorageKey("staging-backups", { label: "backups", connection: stagingAccount });
 * ```
 */
export interface ObjectStorageKeyConnection {
  /**
   * The account's API token, with the `object_storage:read_write` scope. It must be a Pulumi
   * secret (`pulumi.secret(...)`, `config.requireSecret(...)`): a plain value would be written to
   * the state in clear text, so it is refused before any request. Changing it to another token
   * of the same account changes no key (the provider checks with one GET that the key is visible
   * with it); a token of another account fails, naming the key, and changes nothing.
   */
  token: pulumi.Input<string>;
  /**
   * API root without the version, like `linode:url`.
   * @defaultValue `https://api.linode.com` (not the stack's `linode:url`: a key's account never depends on config it was not made with)
   */
  url?: pulumi.Input<string>;
  /**
   * API version path segment, like `linode:apiVersion`.
   * @defaultValue `v4`
   */
  apiVersion?: pulumi.Input<string>;
}

/** Inputs of an {@link ObjectStorageKey}. Names follow the Linode API (snake_case). */
export interface ObjectStorageKeyArgs {
  /** The key's label, 3 to 50 characters after trimming. Changing it updates the key in place. */
  label: pulumi.Input<string>;
  /**
   * Limits the key to these buckets. Omit it for an unlimited key with access to every bucket;
   * `[]` makes a limited key with access to no bucket. A bucket may appear twice, `read_only` and
   * `read_write`; an exact repeat of an entry is refused. Order does not matter. Any change replaces the key: the API
   * cannot change a key's access, so a new key is made first and the old one revoked after.
   * @defaultValue none: an unlimited key, with access to every bucket
   */
  bucket_access?: pulumi.Input<pulumi.Input<BucketAccessArgs>[]>;
  /**
   * Regions where the key may list and create buckets, e.g. `["us-east"]`. It may leave out a
   * bucket's region: the key gets these regions together with the region of every `bucket_access`
   * entry, and that union is what the `regions` output shows and what the next diff compares.
   * Changing it updates the key in place. Removing it from the program leaves the key's regions
   * as they are (Linode chose them).
   * @defaultValue none: Linode chooses (a limited key gets its buckets' regions, an unlimited key the account's default regions)
   */
  regions?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Rotation period: a whole number of days from 1 to 3650. When the key is at least this old
   * (`created_at` + `rotation_days`, judged at each `preview` and `up` by the provider's clock:
   * the system clock, or the instant in `LINODE_OBJKEY_NOW`), the key is replaced, the new key
   * created before the old one is revoked. Changing it on a key not yet due updates it in place
   * with no API call. Keys created before rotation existed have no `created_at` and are never due
   * by age: set or change `rotation_trigger` to rotate them.
   * @defaultValue none: the key is never replaced because of its age
   */
  rotation_days?: pulumi.Input<number>;
  /**
   * Any string of at most 256 characters. Setting it to a value other than the stored one (also
   * a first value on an existing key) replaces the key, create before delete; removing it
   * replaces nothing.
   * @defaultValue none
   */
  rotation_trigger?: pulumi.Input<string>;
  /**
   * `true` fills the `regions_details` output: the S3 endpoint(s) of each of the key's regions.
   * Off by default because those endpoints are the same in every key and Pulumi rewrites the
   * whole state at every step: they are the largest part of an unlimited key's state, and made
   * `pulumi up` of many keys markedly slower (figures in docs/performance.md). Turning it on
   * or off updates the key in place; turning it on reads the key once (one GET).
   * @defaultValue false: no `regions_details`
   */
  include_regions_details?: pulumi.Input<boolean>;
  /**
   * The account the key lives in (see {@link ObjectStorageKeyConnection}). Every verb, `refresh`
   * and `destroy` included, uses it: it is stored with the key as a secret output, so a key made
   * with a connection is never read, changed or revoked with the stack's default token. Adding,
   * changing or removing it updates the key in place after one GET that must see the key with
   * the new settings.
   * @defaultValue none: the stack's account (`linode:token`, `linode:url`, `linode:apiVersion` or their environment variables)
   */
  connection?: ObjectStorageKeyConnection;
  /**
   * `true` makes create, and so every replacement, return only once the new key works: Linode's
   * S3 endpoints can refuse a new key with `403 AccessDenied` for a while, most often on E2/E3
   * endpoints. The provider sends a signed S3 request (AWS Signature V4) with the new key to each
   * endpoint of an unlimited key's regions, or for each bucket of a limited key, until all accept
   * it, showing the time so far; a replaced key is revoked only after that. When
   * `wait_until_usable_timeout_seconds` runs out, `up` fails naming the endpoints that still
   * refuse the key, and the key stays in state. Off by default: it costs at least one S3 round
   * trip per endpoint on every create, and needs this machine to reach the S3 endpoints
   * (docs/accounts.md). Changing it changes no key.
   *
   * ## Example Usage
   *
   * ```ts
   * import { ObjectStorageKey } from "pulumi-linode-objkey";
   *
   * // The bucket object below is written with this key in the same `pulumi up`: wait until it works.
   * const uploader = new ObjectStorageKey("uploader", {
   *   label: "site-uploader",
   *   bucket_access: [{ bucket_name: "site", permissions: "read_write", region: "gb-lon" }],
   *   wait_until_usable: true,
   *   wait_until_usable_timeout_seconds: 600,
   * });
   * ```
   * @defaultValue false: create returns as soon as Linode answers
   */
  wait_until_usable?: pulumi.Input<boolean>;
  /**
   * How long `wait_until_usable` waits for the new key, in whole seconds from 1 to 3600.
   * Changing it changes no key.
   * @defaultValue 300 (5 minutes)
   */
  wait_until_usable_timeout_seconds?: pulumi.Input<number>;
}

/**
 * An existing key's state, as {@link ObjectStorageKey.get} reads it: every output, each optional.
 * (`pulumi import` cannot work for dynamic resources; `get` is the supported way to reference a
 * key made elsewhere.)
 */
export interface ObjectStorageKeyState {
  /** See {@link ObjectStorageKey.label}. */
  label?: pulumi.Input<string>;
  /** See {@link ObjectStorageKey.access_key}. */
  access_key?: pulumi.Input<string>;
  /** See {@link ObjectStorageKey.secret_key}. */
  secret_key?: pulumi.Input<string>;
  /** See {@link ObjectStorageKey.limited}. */
  limited?: pulumi.Input<boolean>;
  /** See {@link ObjectStorageKey.bucket_access}. */
  bucket_access?: pulumi.Input<ApiBucketAccess[] | null>;
  /** See {@link ObjectStorageKey.regions}. */
  regions?: pulumi.Input<string[]>;
  /** See {@link ObjectStorageKey.regions_details}. */
  regions_details?: pulumi.Input<RegionDetails[]>;
  /** See {@link ObjectStorageKey.created_at}. */
  created_at?: pulumi.Input<string>;
  /** See {@link ObjectStorageKey.rotation_due_at}. */
  rotation_due_at?: pulumi.Input<string>;
  /** See {@link ObjectStorageKey.rotation_days}. */
  rotation_days?: pulumi.Input<number>;
  /** See {@link ObjectStorageKey.rotation_trigger}. */
  rotation_trigger?: pulumi.Input<string>;
}

const TYPE = OBJECT_STORAGE_KEY_TYPE;

/**
 * Output properties the engine must be told about when it registers or reads a key: a property
 * left out of the registration comes back `undefined`.
 */
function outputSlots(): ObjectStorageKeyState {
  return {
    label: undefined,
    access_key: undefined,
    secret_key: undefined,
    limited: undefined,
    bucket_access: undefined,
    regions: undefined,
    regions_details: undefined,
    ...rotationSlots(),
  };
}

/** The rotation outputs' slots (see {@link outputSlots}). */
function rotationSlots(): ObjectStorageKeyState {
  return { created_at: undefined, rotation_due_at: undefined, rotation_days: undefined, rotation_trigger: undefined };
}

/**
 * A Linode Object Storage access key. `label` and `regions` update in place; `bucket_access`
 * replaces the key (create before delete). `secret_key` is a secret output. Every key hands the
 * engine the same provider object ({@link objectStorageKeyProvider}), so Pulumi serializes it once
 * per program: installed from npm, a `require("pulumi-linode-objkey/engine")` of a few hundred bytes.
 *
 * ## Example Usage
 *
 * ```ts
 * import { ObjectStorageKey } from "pulumi-linode-objkey";
 *
 * // Full access to every bucket.
 * const admin = new ObjectStorageKey("admin", { label: "admin" });
 *
 * // Read-only access to one bucket.
 * const reader = new ObjectStorageKey("reader", {
 *   label: "logs-reader",
 *   bucket_access: [{ bucket_name: "logs", permissions: "read_only", region: "us-east" }],
 * });
 *
 * // A key made elsewhere, read by id (pulumi destroy leaves it alone).
 * const existing = ObjectStorageKey.get("existing", "1234");
 *
 * export const readerSecretKey = reader.secret_key; // shown as [secret]
 * ```
 */
export class ObjectStorageKey extends pulumi.dynamic.Resource {
  /** The key's label as Linode reports it. */
  declare readonly label: pulumi.Output<string>;
  /** The S3 access key id (not secret). */
  declare readonly access_key: pulumi.Output<string>;
  /**
   * The S3 secret key: a secret output, known only from creation (Linode never shows it again).
   * `undefined` for a key read with {@link ObjectStorageKey.get}, or taken into state after a
   * create that failed ambiguously (the next `pulumi up` replaces such a key).
   */
  declare readonly secret_key: pulumi.Output<string | undefined>;
  /** `true` when `bucket_access` limits the key (also for `[]`). */
  declare readonly limited: pulumi.Output<boolean>;
  /** The key's bucket access as the API reports it (with the derived `cluster`), or `null` for an unlimited key. */
  declare readonly bucket_access: pulumi.Output<ApiBucketAccess[] | null>;
  /** Region ids the key can use (its `regions` together with its buckets' regions), each once, sorted. */
  declare readonly regions: pulumi.Output<string[]>;
  /**
   * One entry per S3 endpoint of those regions (a region can have several), sorted by region;
   * `undefined` unless `include_regions_details` is `true`.
   */
  declare readonly regions_details: pulumi.Output<RegionDetails[] | undefined>;
  /**
   * When the provider created the key, ISO 8601 UTC to the second (the API records no creation
   * time). `undefined` for keys created before rotation existed.
   */
  declare readonly created_at: pulumi.Output<string | undefined>;
  /** When the key is due for rotation (`created_at` + `rotation_days`, ISO 8601 UTC); `undefined` without `rotation_days` or `created_at`. */
  declare readonly rotation_due_at: pulumi.Output<string | undefined>;
  /** The rotation period in days, as given. */
  declare readonly rotation_days: pulumi.Output<number | undefined>;
  /** The rotation trigger, as given. */
  declare readonly rotation_trigger: pulumi.Output<string | undefined>;

  /**
   * Brings an existing key into the program as a resource, with one GET: its outputs are filled,
   * `secret_key` stays `undefined` (Linode shows a secret only when it creates a key), and
   * `pulumi destroy` leaves the key alone. This is the supported way to reference a key made
   * elsewhere: `pulumi import` cannot work for dynamic resources.
   *
   * @param name The unique name of the resource in this program.
   * @param id The key's id, e.g. `"1234"`.
   * @param opts Resource options.
   * @param connection The account that holds the key, when it is not the stack's (see {@link ObjectStorageKeyConnection}).
   */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions, connection?: ObjectStorageKeyConnection): ObjectStorageKey {
    return new ObjectStorageKey(name, connection ? { connection } : undefined, { ...opts, id });
  }

  /**
   * True when `obj` is an `ObjectStorageKey`, also one made by another copy of this package or
   * of `@pulumi/pulumi` loaded in the same process.
   */
  static override isInstance(obj: unknown): obj is ObjectStorageKey {
    return typeof obj === "object" && obj !== null && Reflect.get(obj, "__pulumiType") === TYPE;
  }

  /**
   * @param name The unique name of the resource.
   * @param args The key's label, bucket access and regions.
   * @param opts Resource options; `secret_key` is always added to `additionalSecretOutputs`.
   * @throws When `linode:token` is set in stack config without `--secret`, or `connection.token`
   * is not a Pulumi secret (either would reach state in clear text).
   */
  constructor(name: string, args: ObjectStorageKeyArgs, opts?: pulumi.CustomResourceOptions);
  /** @internal For {@link ObjectStorageKey.get}: no inputs but the connection, `opts.id` names the key to read. */
  constructor(name: string, args: Pick<ObjectStorageKeyArgs, "connection"> | undefined, opts: pulumi.CustomResourceOptions & { id: pulumi.Input<pulumi.ID> });
  constructor(name: string, args: Partial<ObjectStorageKeyArgs> | undefined, opts?: pulumi.CustomResourceOptions) {
    refusePlainToken();
    omitResponsesFromDebugLog();
    const connection = guardConnection(name, args?.connection);
    const props = { ...outputSlots(), ...args, ...(connection ? { connection } : {}) };
    // The connection holds the account's token: stored with the key, so only as ciphertext.
    const secrets = pulumi.mergeOptions(opts, { additionalSecretOutputs: connection ? ["secret_key", "connection"] : ["secret_key"] });
    super(objectStorageKeyProvider, name, props, secrets, "linode", "ObjectStorageKey");
  }
}
