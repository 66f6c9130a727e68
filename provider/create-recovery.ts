/**
 * Creating a key without ever touching a key this create did not make, and without losing one
 * it did: the whole ambiguous-create story in one place.
 *
 * Labels are not unique, so a key is recognised as this create's own only by elimination:
 * 1. Creates with the same label run one at a time in this process (the engine runs every key of
 *    a stack in one provider process), so a sibling resource's create cannot interleave.
 * 2. The keys that carry the label are listed before the POST. They are never adopted, revoked or
 *    changed, whatever happens next (a hand-made key, a sibling's, the key being replaced).
 * 3. The POST is sent once. After an answer that may mean Linode acted (a 5xx, a reset, a
 *    timeout, a 200 that does not decode), keys with the label that were not there before are
 *    looked for. Exactly one: it is this create's, and is handed to Pulumi (see operations.ts).
 *    None: most likely not created. Several: another program created keys with this label at
 *    the same time; all are named and none is touched.
 * 4. 408 and 503 most likely mean the API did not act, but a proxy timing out sends them too: the
 *    POST is sent again only after the listing shows no new key.
 *
 * Listing costs one GET per create; reads have a far larger rate budget than writes (1840/min
 * against 60/min on the live API). Creates do not share listings: a create may only use a listing
 * sent after it asked, so sharing means waiting for the one under way to end, and with 200 ms
 * added to every answer that made an `up` of 50 keys 1.0 s slower (`npm run bench`: +3.61 s, not +2.57 s).
 *
 * @packageDocumentation
 */
import type { ApiKey } from "./codecs";
import type { CreateKeyBody, KeysClient } from "./client";
import { ObjectStorageKeyError, isObjectStorageKeyError, objkeyError } from "./errors";
import { backoffMs, isAmbiguousOutcome, sleep } from "./transport";

/** How many times a create that may still be running is looked for, spread over one more timeout. */
export const LOOKS_WHILE_RUNNING = 5;

/** What the user (or Pulumi) must do after an ambiguous create, decided from what the listing showed. */
export type CreateRecovery =
  /** Exactly one new key carries the label: it is this create's; Pulumi tracks it and replaces it next time. */
  | { step: "adopt"; key: ApiKey }
  /** No new key appeared: most likely not created; run `pulumi up` again. */
  | { step: "none-appeared" }
  /** Several new keys carry the label: another program created some at the same time; the user must choose. */
  | { step: "choose"; ids: readonly number[] }
  /** The listing failed too: the user must look for keys with the label. */
  | { step: "look"; listFailure: string };

/**
 * A create failed in a way that does not tell whether Linode made the key. The POST was not
 * repeated, so at most one key was made; `recovery` says what happens next.
 */
export interface AmbiguousCreateError extends ObjectStorageKeyError {
  /** Always `"ambiguous-create"`. */
  readonly kind: "ambiguous-create";
  /** The label of the key being created. */
  readonly label: string;
  /** What happened to the POST (status, connection error or timeout). */
  readonly cause: string;
  /** The next step. */
  readonly recovery: CreateRecovery;
  /** Keys with the label from before the POST: not this create's, never touched. */
  readonly preexistingIds: readonly number[];
  /** Keys with the label that appeared after the POST (empty when none or unknown). */
  readonly candidateIds: readonly number[];
}

/** True for an error made when a create failed ambiguously. */
export function isAmbiguousCreateError(err: unknown): err is AmbiguousCreateError {
  return isObjectStorageKeyError(err, "ambiguous-create");
}

/** The sentence that tells the user what the recovery means for them. */
export function recoverySentence(label: string, recovery: CreateRecovery): string {
  switch (recovery.step) {
    case "adopt":
      return `Key ${recovery.key.id} appeared with this label after the request, so it is this create's: Pulumi now tracks key ${recovery.key.id} without its secret, and the next pulumi up replaces it with a new key and revokes ${recovery.key.id}.`;
    case "none-appeared":
      return `No new key labelled "${label}" appeared, so it was most likely not created; run pulumi up again. If one appears later, \`npx linode-objkey untracked\` lists it.`;
    case "choose":
      return `Keys ${recovery.ids.join(", ")} appeared with this label after the request (another program created keys with the same label at the same time), so this provider cannot tell which one is its own and touches none. Revoke the one nobody uses (linode-cli object-storage keys-delete <id>, or the Cloud Manager); then run pulumi up again.`;
    case "look":
      return `Listing keys to look for it failed too (${recovery.listFailure}), so check the keys labelled "${label}" yourself: \`npx linode-objkey untracked\` lists keys that carry a label of this stack but are not in its state. Then run pulumi up again.`;
  }
}

/** Builds the error for an ambiguous create; its message is made from its fields, never edited after. */
export function ambiguousCreateError(label: string, cause: string, recovery: CreateRecovery, preexistingIds: readonly number[]): AmbiguousCreateError {
  const before = preexistingIds.length
    ? ` Keys ${preexistingIds.join(", ")} already carried this label before the request; they are not this create's and were left alone.`
    : "";
  const candidateIds = recovery.step === "adopt" ? [recovery.key.id] : recovery.step === "choose" ? [...recovery.ids] : [];
  const message =
    `Creating Object Storage key "${label}" failed ambiguously (${cause}): Linode may have created the key anyway, and its secret cannot be read back. ` +
    `The request was not repeated, to avoid a duplicate key.${before} ${recoverySentence(label, recovery)}`;
  return objkeyError("ambiguous-create", message, { label, cause, recovery, preexistingIds: [...preexistingIds], candidateIds }) as AmbiguousCreateError;
}

/** Per-label queues on `globalThis` (never in the serialized provider): creates of one label run one at a time. */
function labelQueues(): Map<string, Promise<void>> {
  const slot = Symbol.for("pulumi-linode-objkey/label-queues");
  const holder = globalThis as unknown as Record<symbol, Map<string, Promise<void>> | undefined>;
  return (holder[slot] ??= new Map());
}

async function oneAtATime<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const queues = labelQueues();
  const previous = queues.get(label) ?? Promise.resolve();
  let release!: () => void;
  const mine = previous.then(() => new Promise<void>((resolve) => (release = resolve)));
  queues.set(label, mine);
  await previous;
  try {
    return await fn();
  } finally {
    release();
    if (queues.get(label) === mine) queues.delete(label);
  }
}

/** The keys that carry `label` (whole keys: an adopted key's outputs come from here). */
async function keysWithLabel(client: KeysClient, label: string): Promise<ApiKey[]> {
  return (await client.listKeys()).filter((k) => k.label === label);
}

/**
 * Keys with `label` that were not there before the POST, looked for `looks` times over one more
 * timeout while the request may still be running; the reason instead when listing fails.
 */
async function newKeys(client: KeysClient, label: string, before: ReadonlySet<number>, looks: number): Promise<{ keys: ApiKey[] } | { listFailure: string }> {
  let result: { keys: ApiKey[] } | { listFailure: string } = { keys: [] };
  for (let look = 0; look < looks; look++) {
    if (look > 0) await sleep(client.settings.timeoutMs / (looks - 1));
    try {
      result = { keys: (await keysWithLabel(client, label)).filter((k) => !before.has(k.id)) };
    } catch (err) {
      result = { listFailure: err instanceof Error ? err.message : String(err) };
    }
    if ("keys" in result && result.keys.length > 0) break;
  }
  return result;
}

/**
 * Creates a key with the rules above. Resolves to the created key (with its secret); rejects
 * with an {@link AmbiguousCreateError} when the outcome is unknown, or with the API's error.
 */
export async function createKeySafely(client: KeysClient, body: CreateKeyBody): Promise<ApiKey> {
  const { label } = body;
  return oneAtATime(label, async () => {
    // Ids and labels only: decoding whole keys (their endpoints are most of a key) costs 3 times as much.
    const preexisting = (await client.listKeyRefs()).filter((k) => k.label === label).map((k) => k.id);
    const before = new Set(preexisting);
    for (let attempt = 0; ; attempt++) {
      try {
        return await client.postKey(body);
      } catch (err) {
        if (!isAmbiguousOutcome(err)) throw err;
        const found = await newKeys(client, label, before, err.mayStillRun ? LOOKS_WHILE_RUNNING : 1);
        if ("keys" in found && found.keys.length === 0 && err.retryable && attempt < client.settings.maxRetries) {
          await sleep(backoffMs(attempt, client.settings.minRetryDelayMs, client.settings.maxRetryDelayMs));
          continue;
        }
        const recovery: CreateRecovery =
          "listFailure" in found
            ? { step: "look", listFailure: found.listFailure }
            : found.keys.length === 0
              ? { step: "none-appeared" }
              : found.keys.length === 1
                ? { step: "adopt", key: found.keys[0] }
                : { step: "choose", ids: found.keys.map((k) => k.id) };
        throw ambiguousCreateError(label, err.message, recovery, preexisting);
      }
    }
  });
}
