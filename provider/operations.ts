/**
 * What each of the engine's verbs does for an Object Storage key. The provider class delegates
 * here, so that when this package is installed in `node_modules` the serialized provider holds a
 * `require()` of this module instead of a copy of its code.
 *
 * @packageDocumentation
 */
import type * as pulumi from "@pulumi/pulumi";
import { KeyInputs, KeyOutputs, codecs, describeDecodeErrors } from "./codecs";
import { createKeysClient, KeysClient } from "./client";
import { isAmbiguousCreateError } from "./errors";
import { createBody, diffKey, toOutputs, updateBody, validateInputs } from "./rules";
import { ConfigSource, resolveSettings } from "./settings";

/**
 * Stack config handed to `configure`, per provider instance. It lives on `globalThis` under a
 * registered symbol, never on the instance, so serializing the provider cannot capture it.
 */
function configStore(): WeakMap<object, ConfigSource> {
  const slot = Symbol.for("pulumi-linode-objkey/config");
  const holder = globalThis as unknown as Record<symbol, WeakMap<object, ConfigSource> | undefined>;
  let store = holder[slot];
  if (!store) holder[slot] = store = new WeakMap();
  return store;
}

/** The engine adds `__provider` (the serialized code) to every input and output; the rules never see it. */
function withoutProvider<T extends object>(props: T): Omit<T, "__provider"> {
  const { __provider: _ignored, ...rest } = props as T & { __provider?: unknown };
  return rest;
}

function clientFor(provider: object): KeysClient {
  return createKeysClient(resolveSettings(configStore().get(provider)));
}

function parseId(id: string): number {
  if (!/^\d+$/.test(id)) throw new Error(`"${id}" is not an Object Storage key id (a positive integer).`);
  return Number(id);
}

/** Inputs reach create/update after check; decoding again guards against a provider from another version. */
function decodeInputs(inputs: KeyInputs): KeyInputs {
  const decoded = codecs().KeyInputs.decode(withoutProvider(inputs));
  if (decoded._tag === "Left") throw new Error(`Invalid ObjectStorageKey inputs: ${describeDecodeErrors(decoded.left)}.`);
  return decoded.right;
}

/** Remembers the stack config for `provider`'s later calls (stack config wins over the environment). */
export function configure(provider: object, req: pulumi.dynamic.ConfigureRequest): void {
  configStore().set(provider, req.config);
}

/** Validates and normalises inputs before any API call; each failure names its property. */
export function check(news: KeyInputs): pulumi.dynamic.CheckResult<KeyInputs> {
  const { inputs, failures } = validateInputs(withoutProvider(news as unknown as Record<string, unknown>));
  return failures.length ? { failures } : { inputs: inputs as unknown as KeyInputs };
}

/** Decides update versus replace without calling the API (see `diffKey`). */
export function diff(olds: KeyOutputs, news: KeyInputs): pulumi.dynamic.DiffResult {
  const d = diffKey(olds as unknown as Record<string, unknown>, news as unknown as Record<string, unknown>);
  return { changes: d.changes, replaces: d.replaces, deleteBeforeReplace: false };
}

/**
 * Creates the key with one POST; the secret from this answer is the only one Linode ever shows.
 * After an ambiguous failure that left exactly one key with the label, that key is handed to
 * Pulumi as a partially created resource, so it is tracked rather than orphaned, and the next
 * `pulumi up` replaces it (its secret is lost) and revokes it.
 */
export async function create(provider: object, inputs: KeyInputs): Promise<pulumi.dynamic.CreateResult<KeyOutputs>> {
  const client = clientFor(provider);
  try {
    const key = await client.createKey(createBody(decodeInputs(inputs)));
    return { id: String(key.id), outs: toOutputs(key) };
  } catch (err) {
    if (!isAmbiguousCreateError(err) || err.candidateIds.length !== 1) throw err;
    const id = err.candidateIds[0];
    const key = await client.getKey(id).catch(() => undefined);
    const properties: Record<string, unknown> = key ? toOutputs(key) : { label: inputs.label };
    properties.__provider = (inputs as unknown as Record<string, unknown>).__provider;
    throw Object.assign(
      new Error(
        `${err.message.replace(/ If a key with this label appears.*$/, "")} Pulumi now tracks key ${id} without its secret; ` +
          `the next pulumi up replaces it with a new key and revokes ${id}.`,
      ),
      { id: String(id), properties, reasons: ["the key's secret was lost in an ambiguous create"] },
    );
  }
}

/** Reads the key with one GET; a 404 returns no id, so Pulumi drops it from state. */
export async function read(provider: object, id: string, props?: KeyOutputs): Promise<pulumi.dynamic.ReadResult<KeyOutputs>> {
  const key = await clientFor(provider).getKey(parseId(id));
  if (!key) return {};
  return { id, props: toOutputs(key, props?.secret_key) };
}

/** Updates label and regions with one PUT carrying only what changed, or none; keeps the secret. */
export async function update(provider: object, id: string, olds: KeyOutputs, news: KeyInputs): Promise<pulumi.dynamic.UpdateResult<KeyOutputs>> {
  const body = updateBody(olds, decodeInputs(news));
  if (!body) return { outs: withoutProvider(olds) };
  const key = await clientFor(provider).updateKey(parseId(id), body);
  return { outs: toOutputs(key, olds.secret_key) };
}

/** Revokes the key with one DELETE; a key already gone counts as revoked. */
export async function remove(provider: object, id: string): Promise<void> {
  await clientFor(provider).deleteKey(parseId(id));
}
