/**
 * Finding the keys this package left behind: a run killed between a create's POST and its label
 * PUT, or a POST that Linode carried out after the provider stopped waiting, leaves a key that
 * no state names. Every such key still carries its create marker (create-marker.ts), and only
 * such keys are offered: never a key that a given export tracks, a hand-made key, another
 * stack's key with the same label, or a key that a stack reads with `get`, since none of those
 * carries a marker.
 *
 * A marker younger than `minAgeMs` may be a create still running (it holds the marker for one
 * round trip, or for the PUT's retries), so it is counted but not offered.
 *
 * @packageDocumentation
 */
import type { ApiKey, KeyQuota } from "./codecs";
import { createKeysClient } from "./client";
import { markerInstant } from "./create-marker";
import { parseKeyId } from "./codecs";
import { objkeyError } from "./errors";
import { LinodeSettingsOverrides, resolveSettings } from "./settings";

/** How old a marker must be, by default, before `untracked` offers its key: no create runs this long. */
export const DEFAULT_MIN_AGE_MS = 15 * 60 * 1000;

/** What the given stacks' state says: the ids of every key they hold (created or read with `get`). */
export interface StackKeys {
  /** Ids of the keys the stacks hold. */
  readonly trackedIds: ReadonlySet<number>;
}

interface ExportedResource {
  type?: unknown;
  id?: unknown;
}

const isKeyResource = (r: ExportedResource) => typeof r.type === "string" && r.type.endsWith(":ObjectStorageKey");

/** A state id as a key id: canonical decimal strings and whole numbers; `undefined` for anything else. */
function stateId(id: unknown): number | undefined {
  if (typeof id !== "string" && typeof id !== "number") return undefined;
  try {
    return parseKeyId(id);
  } catch {
    return undefined;
  }
}

/** Reads the keys out of `pulumi stack export` documents (the JSON, parsed). */
export function stackKeysFromExports(exports: readonly unknown[]): StackKeys {
  const trackedIds = new Set<number>();
  for (const doc of exports) {
    const deployment = (doc as { deployment?: { resources?: ExportedResource[] } } | null)?.deployment;
    if (!deployment) throw objkeyError("settings", "This is not the output of `pulumi stack export`: it has no deployment.");
    for (const r of deployment.resources ?? []) {
      const id = isKeyResource(r) ? stateId(r.id) : undefined;
      if (id !== undefined) trackedIds.add(id);
    }
  }
  return { trackedIds };
}

/** What {@link untrackedKeys} found. */
export interface Untracked {
  /** Keys carrying a create marker at least `minAgeMs` old that no state holds. */
  readonly keys: ApiKey[];
  /** Keys carrying a younger marker: possibly a create still running, so not offered. */
  readonly young: number;
}

/** The keys that carry a create marker and that no state holds. Pure. */
export function untrackedKeys(keys: readonly ApiKey[], stacks: StackKeys, nowMs: number, minAgeMs: number): Untracked {
  const offered: ApiKey[] = [];
  let young = 0;
  for (const k of keys) {
    const made = markerInstant(k.label);
    if (made === undefined || stacks.trackedIds.has(k.id)) continue;
    if (nowMs - made >= minAgeMs) offered.push(k);
    else young++;
  }
  return { keys: offered, young };
}

/**
 * Lists the account's keys (one listing) and returns those {@link untrackedKeys} selects.
 * Settings come from `overrides`, then the environment (`LINODE_TOKEN`, `LINODE_URL`, ...).
 */
export async function findUntrackedKeys(exports: readonly unknown[], minAgeMs = DEFAULT_MIN_AGE_MS, overrides?: LinodeSettingsOverrides): Promise<Untracked> {
  const stacks = stackKeysFromExports(exports);
  const client = createKeysClient(resolveSettings(undefined, process.env, overrides));
  return untrackedKeys(await client.listKeys(), stacks, Date.now(), minAgeMs);
}

/**
 * The account's key limit and usage (one GET), or why it could not be read: the list is still
 * worth printing without it. Settings as for {@link findUntrackedKeys}.
 */
export async function accountKeyUsage(overrides?: LinodeSettingsOverrides): Promise<{ quota: KeyQuota } | { failure: string }> {
  try {
    return { quota: await createKeysClient(resolveSettings(undefined, process.env, overrides)).getKeyQuota() };
  } catch (err) {
    return { failure: err instanceof Error ? err.message : String(err) };
  }
}

/** One line saying how many of its keys the account uses. */
export function keyUsageLine(usage: { quota: KeyQuota } | { failure: string }): string {
  if ("failure" in usage) return `Account key usage: unknown (${usage.failure}).`;
  const { usage: used, quota_limit } = usage.quota;
  return `Account key usage: ${used} of ${quota_limit} access keys (${Math.max(0, quota_limit - used)} left).`;
}

/**
 * Revokes the keys named by `ids`, each of which must be one of `untracked`: any other id is
 * refused before any request.
 */
export async function revokeUntrackedKeys(ids: readonly number[], untracked: readonly ApiKey[], overrides?: LinodeSettingsOverrides): Promise<number[]> {
  const allowed = new Set<number>(untracked.map((k) => k.id));
  const refused = ids.filter((id) => !allowed.has(id));
  if (refused.length) {
    throw objkeyError("settings", `Keys ${refused.join(", ")} are not among the untracked keys listed; nothing was revoked.`);
  }
  const client = createKeysClient(resolveSettings(undefined, process.env, overrides));
  const revoked: number[] = [];
  for (const id of ids) if (await client.deleteKey(id)) revoked.push(id);
  return revoked;
}
