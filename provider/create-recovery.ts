/**
 * Creating a key without ever touching a key this create did not make, and without losing one
 * it did: the whole create story in one place.
 *
 * Ownership is proven, never guessed. Each POST carries a fresh create marker (create-marker.ts)
 * as its label; once Linode answers, one PUT gives the key its declared label.
 * 1. After an answer that may mean Linode acted (a 5xx, a reset, a timeout, a 200 that does not
 *    decode), the listing is searched for this POST's marker, and only for it. A key with it is
 *    this create's beyond doubt: its secret is lost, so it is revoked, and the POST is sent again
 *    with a new marker (up to `maxRetries`). No other key is ever looked at, whatever its label:
 *    another stack creating a key with the same label at the same moment cannot be confused
 *    with this one.
 * 2. A key whose revoke fails too is handed to Pulumi as a partial create (see operations.ts):
 *    tracked without its secret, replaced and revoked by the next `pulumi up`.
 * 3. If the label PUT fails, the key (ours by its id) is revoked; if that fails too, it is handed
 *    to Pulumi in the same way.
 * 4. A POST that Linode carries out later than every look, or a run killed between the POST and
 *    the PUT, leaves a key carrying a marker: `linode-objkey untracked` finds it by the marker
 *    alone, with or without any state. A provider process that outlives a killed engine revokes
 *    its new key rather than label it (engine-presence.ts).
 *
 * Why a marker and not the old "keys with my label that were not there before": that listing
 * took another stack's key, made with the same label during the failed request, for this
 * create's, adopted it and revoked it on the next up. The marker costs the same two requests
 * per create (POST and PUT, where it was a listing and a POST) with no per-label queue. The PUT is
 * a write: live answers show `X-Ratelimit-Limit: 60` on POST and on PUT, not whether the two share
 * one budget. If they do (the emulator assumes so), an `up` held back by that limit takes up to
 * twice as long as with the listing. Measured in docs/bench. The one window left: a key
 * renamed by its PUT whose answer reaches Pulumi but whose checkpoint is never written (the engine
 * killed in those milliseconds) carries its declared label and no marker.
 *
 * @packageDocumentation
 */
import type { ApiKey } from "./codecs";
import type { CreateKeyBody, KeysClient } from "./client";
import { createMarker } from "./create-marker";
import { engineGone } from "./engine-presence";
import { ObjectStorageKeyError, isObjectStorageKeyError, objkeyError } from "./errors";
import { REDACTED } from "./outputs";
import { backoffMs, isAmbiguousOutcome, sleep } from "./retry-policy";

/** How many times a create that may still be running is looked for, spread over one more timeout. */
export const LOOKS_WHILE_RUNNING = 5;

/** What the user (or Pulumi) must do after a create that could not be settled. */
export type CreateRecovery =
  /** This create's key exists but could not be revoked: Pulumi tracks it and replaces it next time. */
  | { step: "adopt"; key: ApiKey }
  /** No key with the create marker appeared (or the one that did was revoked): run `pulumi up` again. */
  | { step: "none-appeared" }
  /** The listing failed too: `linode-objkey untracked` finds a key left by this create by its marker. */
  | { step: "look"; listFailure: string };

/**
 * A create that could not be settled after its retries: Linode may have acted on the last POST,
 * or made a key that could not be finished. `recovery` says what happens next.
 */
export interface AmbiguousCreateError extends ObjectStorageKeyError {
  /** Always `"ambiguous-create"`. */
  readonly kind: "ambiguous-create";
  /** The declared label of the key being created. */
  readonly label: string;
  /** The create marker of the last POST: a key carrying it is this create's. */
  readonly marker: string;
  /** What happened to the last request (status, connection error or timeout). */
  readonly cause: string;
  /** The next step. */
  readonly recovery: CreateRecovery;
  /** The key Pulumi now tracks, when `recovery.step` is `"adopt"`; else empty. */
  readonly candidateIds: readonly number[];
}

/** True for an error made when a create could not be settled. */
export function isAmbiguousCreateError(err: unknown): err is AmbiguousCreateError {
  return isObjectStorageKeyError(err, "ambiguous-create");
}

/** The sentence that tells the user what the recovery means for them. */
export function recoverySentence(marker: string, recovery: CreateRecovery): string {
  switch (recovery.step) {
    case "adopt":
      return `Key ${recovery.key.id} is this create's (it carries the create label "${marker}") but could not be revoked: Pulumi now tracks key ${recovery.key.id} without its secret, and the next pulumi up replaces it with a new key and revokes ${recovery.key.id}.`;
    case "none-appeared":
      return `No key carrying this create's label "${marker}" is left, so run pulumi up again. If Linode carries the request out later, \`npx linode-objkey untracked\` lists that key by its create label.`;
    case "look":
      return `Listing keys to look for it failed too (${recovery.listFailure}); run pulumi up again. A key this create left carries the create label "${marker}", and \`npx linode-objkey untracked\` lists it.`;
  }
}

/** Builds the error for an unsettled create; its message is made from its fields, never edited after. */
export function ambiguousCreateError(label: string, marker: string, cause: string, recovery: CreateRecovery): AmbiguousCreateError {
  const message = `Creating Object Storage key "${label}" failed (${cause}) and could not be settled after the retries allowed. ${recoverySentence(marker, recovery)}`;
  const candidateIds = recovery.step === "adopt" ? [recovery.key.id] : [];
  return objkeyError("ambiguous-create", message, { label, marker, cause, recovery, candidateIds }) as AmbiguousCreateError;
}

/** The key carrying `marker`, looked for `looks` times over one more timeout while the POST may still run. */
async function ownKey(client: KeysClient, marker: string, looks: number): Promise<{ key?: ApiKey } | { listFailure: string }> {
  let found: { key?: ApiKey } | { listFailure: string } = {};
  for (let look = 0; look < looks; look++) {
    if (look > 0) await sleep(client.settings.timeoutMs / (looks - 1));
    try {
      found = { key: (await client.listKeys()).find((k) => k.label === marker) };
    } catch (err) {
      found = { listFailure: err instanceof Error ? err.message : String(err) };
    }
    if ("key" in found && found.key) break;
  }
  return found;
}

/** Revokes this create's own key; false when that failed too (the caller hands the key to Pulumi). */
async function revokeOwn(client: KeysClient, id: number): Promise<boolean> {
  try {
    await client.deleteKey(id);
    return true;
  } catch {
    return false;
  }
}

/**
 * Gives a freshly created key its declared label; the secret comes from the POST's answer. An
 * engine gone before or during the PUT will never record the key, so the key is revoked instead
 * (engine-presence.ts): nobody can ever read its secret.
 */
async function nameKey(client: KeysClient, created: ApiKey, label: string, marker: string): Promise<ApiKey> {
  try {
    if (await engineGone()) throw new Error("the Pulumi engine that asked for it has stopped");
    const named = await client.updateKey(created.id, { label });
    if (await engineGone()) throw new Error("the Pulumi engine that asked for it stopped while its label was set");
    return { ...named, secret_key: created.secret_key };
  } catch (err) {
    const cause = `key ${created.id} was created, but setting its label failed: ${err instanceof Error ? err.message : String(err)}`;
    // Handed over without its secret: Pulumi replaces a partial create at the next up, so the
    // secret would never be used, and a value that is not there cannot leak.
    const recovery: CreateRecovery = (await revokeOwn(client, created.id))
      ? { step: "none-appeared" }
      : { step: "adopt", key: { ...created, secret_key: REDACTED } };
    throw ambiguousCreateError(label, marker, cause, recovery);
  }
}

/**
 * Creates a key with the rules above. Resolves to the created key with its declared label and
 * its secret; rejects with an {@link AmbiguousCreateError} when the create cannot be settled, or
 * with the API's error when it refused the create.
 */
export async function createKeySafely(client: KeysClient, body: CreateKeyBody): Promise<ApiKey> {
  for (let attempt = 0; ; attempt++) {
    // The system clock, not LINODE_OBJKEY_NOW: the instant only ages markers for `untracked`.
    const marker = createMarker(Date.now());
    let created: ApiKey;
    try {
      created = await client.postKey({ ...body, label: marker });
    } catch (err) {
      if (!isAmbiguousOutcome(err)) throw err;
      const found = await ownKey(client, marker, err.mayStillRun ? LOOKS_WHILE_RUNNING : 1);
      if ("listFailure" in found) throw ambiguousCreateError(body.label, marker, err.message, { step: "look", listFailure: found.listFailure });
      if (found.key && !(await revokeOwn(client, found.key.id))) {
        throw ambiguousCreateError(body.label, marker, err.message, { step: "adopt", key: found.key });
      }
      if (attempt >= client.settings.maxRetries) throw ambiguousCreateError(body.label, marker, err.message, { step: "none-appeared" });
      await sleep(backoffMs(attempt, client.settings.minRetryDelayMs, client.settings.maxRetryDelayMs));
      continue;
    }
    return nameKey(client, created, body.label, marker);
  }
}
