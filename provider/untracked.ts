/**
 * Finding keys a stack does not track: after a crash (`pulumi up` killed during creates) or an
 * ambiguous create the provider could not settle, a key may exist that no state names. This
 * compares the account's keys with one or more stacks' exported state (`pulumi stack export`).
 *
 * Only keys that carry a label the stacks declare (in state or in a pending create) are listed,
 * and nothing is revoked unless its id is named explicitly: a key with the same label may belong
 * to someone else.
 *
 * @packageDocumentation
 */
import type { ApiKey, KeyQuota } from "./codecs";
import { createKeysClient } from "./client";
import { objkeyError } from "./errors";
import { LinodeSettingsOverrides, resolveSettings } from "./settings";

/** What stacks' state says about their keys. */
export interface StackKeys {
  /** Ids of the keys the stacks track. */
  readonly trackedIds: ReadonlySet<number>;
  /** Labels the stacks declare: tracked keys' labels and the labels of pending creates. */
  readonly labels: ReadonlySet<string>;
}

interface ExportedResource {
  type?: unknown;
  id?: unknown;
  inputs?: { label?: unknown };
  outputs?: { label?: unknown };
}

const isKeyResource = (r: ExportedResource) => typeof r.type === "string" && r.type.endsWith(":ObjectStorageKey");

/** Reads the keys out of `pulumi stack export` documents (the JSON, parsed). */
export function stackKeysFromExports(exports: readonly unknown[]): StackKeys {
  const trackedIds = new Set<number>();
  const labels = new Set<string>();
  for (const doc of exports) {
    const deployment = (doc as { deployment?: { resources?: ExportedResource[]; pending_operations?: { resource?: ExportedResource }[] } })?.deployment;
    if (!deployment) throw objkeyError("settings", "This is not the output of `pulumi stack export`: it has no deployment.");
    for (const r of deployment.resources ?? []) {
      if (!isKeyResource(r)) continue;
      if (typeof r.id === "string" && /^\d+$/.test(r.id)) trackedIds.add(Number(r.id));
      for (const label of [r.inputs?.label, r.outputs?.label]) if (typeof label === "string") labels.add(label.trim());
    }
    for (const op of deployment.pending_operations ?? []) {
      const r = op.resource;
      if (r && isKeyResource(r) && typeof r.inputs?.label === "string") labels.add(r.inputs.label.trim());
    }
  }
  return { trackedIds, labels };
}

/** The keys that carry one of the stacks' labels but that no state tracks. Pure. */
export function untrackedKeys(keys: readonly ApiKey[], stacks: StackKeys): ApiKey[] {
  return keys.filter((k) => stacks.labels.has(k.label) && !stacks.trackedIds.has(k.id));
}

/**
 * Lists the account's keys (one listing) and returns those {@link untrackedKeys} selects.
 * Settings come from `overrides`, then the environment (`LINODE_TOKEN`, `LINODE_URL`, ...).
 */
export async function findUntrackedKeys(exports: readonly unknown[], overrides?: LinodeSettingsOverrides): Promise<ApiKey[]> {
  const client = createKeysClient(resolveSettings(undefined, process.env, overrides));
  return untrackedKeys(await client.listKeys(), stackKeysFromExports(exports));
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
 * Revokes the keys named by `ids`, each of which must be one of `untracked`: a key that a stack
 * tracks, or that carries none of its labels, is refused before any request.
 */
export async function revokeUntrackedKeys(ids: readonly number[], untracked: readonly ApiKey[], overrides?: LinodeSettingsOverrides): Promise<number[]> {
  const allowed = new Set<number>(untracked.map((k) => k.id));
  const refused = ids.filter((id) => !allowed.has(id));
  if (refused.length) {
    throw objkeyError("settings", `Keys ${refused.join(", ")} are not among the untracked keys listed for these stacks; nothing was revoked.`);
  }
  const client = createKeysClient(resolveSettings(undefined, process.env, overrides));
  const revoked: number[] = [];
  for (const id of ids) if (await client.deleteKey(id)) revoked.push(id);
  return revoked;
}
