/**
 * What each of the engine's verbs does for an Object Storage key. engine.ts (the provider
 * `ObjectStorageKey` hands the engine) and the provider class delegate here.
 *
 * **The exported functions are called by code frozen in users' states.** Keys created with 0.1.0
 * store the provider class's code, which calls `require("pulumi-linode-objkey/dist/provider/operations.js")`
 * and then `configure(provider, req)`, `check(news)`, `diff(olds, news)`, `create(provider, inputs)`,
 * `read(provider, id, props)`, `update(provider, id, olds, news)` and `remove(provider, id)`; a
 * key's `delete` runs the code stored with it until an update stores newer code. Keep this file's
 * path (package.json `exports` maps it), these names and their parameters.
 *
 * @packageDocumentation
 */
import type * as pulumi from "@pulumi/pulumi";
import { EngineProps, KeyInputs, KeyOutputs, codecs, describeDecodeErrors, parseKeyId } from "./codecs";
import { createKeysClient, keyGoneError, KeysClient } from "./client";
import { createKeySafely, isAmbiguousCreateError } from "./create-recovery";
import { linodeApiError, objkeyError } from "./errors";
import { diffKey, updateBody } from "./diff";
import { createBody, toOutputs } from "./outputs";
import { validateInputs } from "./validation";
import { formatInstant, now } from "./clock";
import { restateDetails } from "./regions-details";
import { dueNotice, withRotation } from "./rotation";
import { processSingleton } from "./process-singleton";
import type { ConfigSource } from "./settings";
import { confirmVisible, connectionChanges, settingsFor } from "./connection";
import { awaitUsableIfAsked } from "./usable";

/**
 * Stack config handed to `configure`, per provider instance. It lives on `globalThis` under a
 * registered symbol, never on the instance, so serializing the provider cannot capture it.
 */
function configStore(): WeakMap<object, ConfigSource> {
  return processSingleton("config", () => new WeakMap<object, ConfigSource>());
}

/** The engine adds `__provider` (the serialized code) to every input and output; the rules never see it. */
function withoutProvider<T extends object>(props: T): Omit<T, "__provider"> {
  const { __provider: _ignored, ...rest } = props as T & { __provider?: unknown };
  return rest;
}

/** The client for a key: its own `connection` in `props` (inputs or stored outputs) when it has one, else the stack's. */
function clientFor(provider: object, props?: Readonly<Record<string, unknown>>): KeysClient {
  return createKeysClient(settingsFor(configStore().get(provider), props));
}

/** Inputs reach create/update after check; decoding again guards against a provider from another version. */
function decodeInputs(inputs: EngineProps): KeyInputs {
  const decoded = codecs().KeyInputs.decode(withoutProvider(inputs));
  if (decoded._tag === "Left") throw objkeyError("decode", `Invalid ObjectStorageKey inputs: ${describeDecodeErrors(decoded.left)}.`);
  return decoded.right;
}

/** A key's stored outputs, as written by this or an earlier version of the provider. */
function decodeState(id: string, olds: EngineProps): KeyOutputs {
  const decoded = codecs().KeyOutputs.decode(withoutProvider(olds));
  if (decoded._tag === "Left") {
    throw objkeyError("decode", `The state of key ${id} cannot be read (${describeDecodeErrors(decoded.left)}); run pulumi refresh to read the key again.`);
  }
  return decoded.right;
}

/** Remembers the stack config for `provider`'s later calls (stack config wins over the environment). */
export function configure(provider: object, req: pulumi.dynamic.ConfigureRequest): void {
  configStore().set(provider, req.config);
}

/** Validates and normalises inputs before any API call; each failure names its property. */
export function check(news: EngineProps): pulumi.dynamic.CheckResult<EngineProps> {
  const { inputs, failures } = validateInputs(withoutProvider(news));
  return failures.length ? { failures } : { inputs };
}

/** Decides update versus replace without calling the API (see `diffKey`); a key's age is judged at {@link now}. */
export function diff(olds: EngineProps, news: EngineProps): pulumi.dynamic.DiffResult {
  const d = diffKey(olds, news, now());
  const notice = dueNotice(olds, d.replaces);
  // The engine shows a dynamic provider's stderr, not its `replaces`, in preview and up (see dueNotice).
  if (notice) console.error(notice);
  return { changes: d.changes, replaces: d.replaces, deleteBeforeReplace: false };
}

/**
 * Creates the key (see create-recovery.ts); the secret from this answer is the only one Linode
 * ever shows. When a failure left a key that is provably this create's (it carries the create's
 * marker) and that could not be revoked, the key is handed to Pulumi as a partially created
 * resource, so it is tracked rather than orphaned, and the next `pulumi up` replaces it (its
 * secret is lost) and revokes it. The engine displays a partial
 * create's `reasons`, not its message, so the reason carries the whole story.
 * The API records no creation time, so the provider does: `created_at` is {@link now} read before
 * the first request (a malformed `LINODE_OBJKEY_NOW` then fails before any API call).
 * With `wait_until_usable`, it returns only once the key works at its S3 endpoints (usable.ts);
 * a key that does not in time is handed to Pulumi as a partially created resource too.
 */
export async function create(provider: object, inputs: EngineProps): Promise<pulumi.dynamic.CreateResult<KeyOutputs>> {
  const rotation = { ...inputs, created_at: formatInstant(now()) };
  try {
    const client = clientFor(provider, inputs);
    const decoded = decodeInputs(inputs);
    const key = await createKeySafely(client, createBody(decoded));
    const outs = toOutputs(key, undefined, rotation);
    const partial = { id: String(key.id), properties: { ...outs, __provider: inputs.__provider } };
    await awaitUsableIfAsked(decoded, key, partial, configStore().get(provider), client.settings.timeoutMs);
    return { id: String(key.id), outs };
  } catch (err) {
    if (!isAmbiguousCreateError(err) || err.recovery.step !== "adopt") throw err;
    const { key } = err.recovery;
    const properties: Record<string, unknown> = {
      ...toOutputs(key, undefined, rotation),
      __provider: inputs.__provider,
    };
    throw Object.assign(err, { id: String(key.id), properties, reasons: [err.message] });
  }
}

/**
 * Reads the key with one GET, in the account of `props`' connection. Keeps the rotation fields of
 * `props` (the API has none), its connection, and `regions_details` if `props` asked for it. A
 * 404 on a refresh (`props` holds the key's stored outputs) returns no id, so Pulumi drops the key
 * from state. A 404 on `ObjectStorageKey.get` (no stored outputs) fails: an empty answer would
 * make Pulumi record a key with every output undefined.
 */
export async function read(provider: object, id: string, props?: EngineProps): Promise<pulumi.dynamic.ReadResult<KeyOutputs>> {
  const keyId = parseKeyId(id);
  const key = await clientFor(provider, props).getKey(keyId);
  if (!key && typeof props?.access_key !== "string") {
    throw linodeApiError(
      `GET /object-storage/keys/${keyId}`,
      404,
      [{ reason: "The specified access key was not found" }],
      `ObjectStorageKey.get("${keyId}") reads an existing key, and key ${keyId} does not exist. Check the id and that linode:token belongs to the account that holds the key; if the key was revoked, remove the get from the program`,
    );
  }
  if (!key) return {};
  return { id, props: toOutputs(key, props?.secret_key, props) };
}

/**
 * Updates label and regions with one PUT carrying only what changed, or none; keeps the secret
 * and `created_at`, and recomputes `rotation_due_at` from the new rotation inputs (which need no
 * API call). A key without `created_at` (made before rotation existed) does not get one: its age
 * is not known. `include_regions_details` turned on with nothing else to change costs one GET.
 * A new `connection` (or none instead of one) costs one GET with the new settings, which must
 * see the key before anything is recorded (connection.ts); every request then uses them.
 */
export async function update(provider: object, id: string, stored: EngineProps, news: EngineProps): Promise<pulumi.dynamic.UpdateResult<KeyOutputs>> {
  const olds = decodeState(id, stored);
  const inputs = decodeInputs(news);
  const shaping = { ...inputs, created_at: olds.created_at };
  const keyId = parseKeyId(id);
  const client = clientFor(provider, inputs);
  const seen = connectionChanges(olds, inputs) ? await confirmVisible(client, keyId) : undefined;
  const body = updateBody(olds, inputs);
  if (body) return { outs: toOutputs(await client.updateKey(keyId, body), olds.secret_key, shaping) };
  if (seen) return { outs: toOutputs(seen, olds.secret_key, shaping) };
  const restated = restateDetails(withoutProvider(olds), inputs);
  if (restated) return { outs: withRotation(restated, olds.created_at, inputs) };
  // regions_details was just asked for: only the key knows its endpoints.
  const key = await client.getKey(keyId);
  if (!key) throw keyGoneError(`GET /object-storage/keys/${keyId}`, keyId);
  return { outs: toOutputs(key, olds.secret_key, shaping) };
}

/**
 * Revokes the key with one DELETE, in the account of `props`' connection (the stored outputs;
 * 0.1.0's stored code passes none, and its keys have no connection); a key already gone counts as revoked.
 */
export async function remove(provider: object, id: string, props?: EngineProps): Promise<void> {
  await clientFor(provider, props).deleteKey(parseKeyId(id));
}
