/**
 * The normal form of a key's access list, as the API sees it: a legacy cluster as its region, the
 * list as a multiset, and the regions a key ends up with. Pure.
 *
 * @packageDocumentation
 */
import { isRecord, typeName } from "./values";

/** A legacy cluster id is a region id followed by `-<number>`, e.g. `us-east-1`. */
export const CLUSTER_ID = /^([a-z0-9]+(?:-[a-z0-9]+)*)-(\d+)$/;

/**
 * S3 host names of regions that have no legacy cluster, whose prefix looks like a cluster id but
 * names no region (`de-fra-1.linodeobjects.com` serves `de-fra-2`; there is no region `de-fra`).
 * From the live endpoint list of 2026-04-30.
 */
export const HOSTS_OF_CLUSTERLESS_REGIONS: Readonly<Record<string, string>> = { "de-fra-1": "de-fra-2", "sg-sin-1": "sg-sin-2", "jp-tyo-1": "jp-tyo-3" };

/**
 * The region a legacy cluster id stands for: the cluster id without its trailing `-<number>`.
 * Live reports the cluster `<region>-1` for the older regions (`us-east-1`, `us-iad-1`, `in-maa-1`,
 * `se-sto-1`, `us-lax-1` were seen) and `""` for regions that never had one (`au-mel`, `gb-lon`);
 * so `us-east-1` → `us-east`, and `""` → `""` (no region). This is a shape rule, not a lookup: it
 * cannot know whether the result is one of the account's regions (the API decides at apply time),
 * and a region id that itself ends in a number (`de-fra-2`) is a region, not a cluster.
 */
export function clusterToRegion(cluster: string): string {
  const m = CLUSTER_ID.exec(cluster);
  return m ? m[1] : cluster;
}

/** The region an access entry applies to, whether given as `region` or the legacy `cluster`. */
export function effectiveRegion(entry: { region?: unknown; cluster?: unknown }): string {
  if (typeof entry.region === "string" && entry.region) return entry.region;
  return clusterToRegion(typeof entry.cluster === "string" ? entry.cluster : "");
}

/**
 * A key's access list as the API sees it: `null` for an unlimited key (`bucket_access` null or
 * absent), else its `region/bucket/permissions` entries as a multiset (sorted, repeats kept): order
 * never matters, and the same bucket may appear with two permissions. `[]` stays `[]`: a limited
 * key with access to no bucket is not an unlimited key.
 */
export function accessSignature(list: unknown): string[] | null {
  if (list === null || list === undefined) return null;
  // Anything else that is not a list (a corrupt or foreign state) never equals a real list.
  if (!Array.isArray(list)) return [`invalid:${typeName(list)}`];
  const entry = (e: unknown) =>
    isRecord(e) ? `${effectiveRegion(e as { region?: string; cluster?: string })}/${String(e.bucket_name)}/${String(e.permissions)}` : `invalid:${typeName(e)}`;
  return list.map(entry).sort();
}

/** The bucket regions of an access list (`region`, or the legacy `cluster`'s region), each once. */
function bucketRegions(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  for (const e of list) {
    const r = isRecord(e) ? effectiveRegion(e) : "";
    if (r && !out.includes(r)) out.push(r);
  }
  return out;
}

/**
 * The regions a key ends up with: the declared `regions` together with the region of every
 * `bucket_access` entry (live answers the union to a create whose `regions` leave out a bucket's
 * region), each once, declared ones first.
 */
export function keyRegions(regions: readonly string[], ...accessLists: unknown[]): string[] {
  const out = [...new Set(regions)];
  for (const list of accessLists) for (const r of bucketRegions(list)) if (!out.includes(r)) out.push(r);
  return out;
}
