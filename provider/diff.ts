/**
 * What a change to a key does, as pure functions: "why did my key get replaced?" is answered by
 * {@link diffKey}, and the update request carries exactly what it decided ({@link updateBody}).
 *
 * @packageDocumentation
 */
import type { KeyInputs, KeyOutputs } from "./codecs";
import type { UpdateKeyBody } from "./client";
import { accessSignature, keyRegions } from "./access";
import { connectionChanges } from "./connection";
import { detailsChange } from "./regions-details";
import { rotationDiff } from "./rotation";
import { containsUnknown, isUnknown } from "./unknowns";

function sameSet(a: readonly unknown[], b: readonly unknown[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}

/** What a change to a key does. */
export interface KeyDiff {
  /** True when anything differs. */
  changes: boolean;
  /**
   * Properties whose change needs a new key: `bucket_access`, which the API cannot update, a lost
   * `secret_key`, a new `rotation_trigger`, and a key due by age, as
   * `rotation_days (created <instant>, due <instant>)` (see rotation.ts).
   */
  replaces: string[];
  /** Properties that an in-place update changes: `label`, `regions`, `connection` (one GET), and the API-free `rotation_days`, `rotation_trigger`, `include_regions_details`. */
  updates: string[];
}

/** Whether the label must change; both `diff` and `update` ask this (the trimmed label against the key's). */
function labelChanges(olds: Readonly<Record<string, unknown>>, news: Readonly<Record<string, unknown>>): boolean {
  return isUnknown(news.label) || (typeof news.label === "string" && news.label.trim() !== olds.label);
}

/**
 * Whether the key's regions must change: declared `regions` together with the bucket regions,
 * compared as a set with the key's regions. No `regions` in the program: never (Linode chose them).
 */
function regionsChange(olds: Readonly<Record<string, unknown>>, news: Readonly<Record<string, unknown>>): boolean {
  const declared = news.regions;
  if (declared === undefined) return false;
  if (containsUnknown(declared) || containsUnknown(news.bucket_access) || !Array.isArray(declared)) return true;
  const current = Array.isArray(olds.regions) ? olds.regions : [];
  return !sameSet(keyRegions(declared as string[], news.bucket_access), current);
}

/**
 * Compares stored outputs (`olds`) with checked inputs (`news`). `bucket_access` replaces (compared
 * as a multiset of region, bucket and permissions); `label` and `regions` update in place, and
 * `regions` is compared as the key sees it: declared regions ∪ bucket regions, in any order.
 * Removing `regions` from the program changes nothing (the API chose them). Unknown values count
 * as changes, and an unknown access list as a replacement. `__provider` is ignored, so new
 * provider code alone never causes a diff. Asking for `regions_details` or no longer asking
 * updates in place (regions-details.ts). Rotation follows `rotationDiff` (rotation.ts): `now`
 * (milliseconds since the epoch) is the instant a key's age is judged at; without it no key is
 * due by age.
 */
export function diffKey(olds: Record<string, unknown>, news: Record<string, unknown>, now?: number): KeyDiff {
  const replaces: string[] = [];
  const updates: string[] = [];

  const newAccess = news.bucket_access;
  if (containsUnknown(newAccess)) replaces.push("bucket_access");
  else {
    const before = accessSignature(olds.bucket_access);
    const after = accessSignature(newAccess);
    if (JSON.stringify(before) !== JSON.stringify(after)) replaces.push("bucket_access");
  }

  // A key whose secret Pulumi never saw (an ambiguous create it adopted) is useless to its
  // consumers: replace it, which also revokes it.
  if (typeof olds.secret_key !== "string") replaces.push("secret_key");

  if (labelChanges(olds, news)) updates.push("label");
  if (regionsChange(olds, news)) updates.push("regions");
  if (detailsChange(olds, news)) updates.push("include_regions_details");
  // Another token or URL for the same key: checked and recorded by update, the key unchanged.
  if (connectionChanges(olds, news)) updates.push("connection");
  const rotation = rotationDiff(olds, news, now);
  replaces.push(...rotation.replaces);
  updates.push(...rotation.updates);
  return { changes: replaces.length + updates.length > 0, replaces, updates };
}

/**
 * The update request, from the same decision as {@link diffKey}: only what changed, or `undefined`
 * when nothing did. `regions` is the declared list together with every bucket region of the key:
 * a PUT whose regions drop a bucket's region fails per the spec, and was silently applied in a
 * 2024 recording, so it is never sent.
 */
export function updateBody(olds: KeyOutputs, news: KeyInputs): UpdateKeyBody | undefined {
  const body: UpdateKeyBody = {};
  if (labelChanges(olds, news)) body.label = news.label.trim();
  if (news.regions !== undefined && regionsChange(olds, news)) body.regions = keyRegions(news.regions, olds.bucket_access, news.bucket_access);
  return Object.keys(body).length ? body : undefined;
}
