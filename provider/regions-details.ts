/**
 * `regions_details`, the S3 endpoints of a key's regions, as pure functions: it is an output only
 * when the inputs ask for it with `include_regions_details: true`.
 *
 * Why on request: the endpoints are the same per-region facts in every key, and Pulumi rewrites
 * the whole state file at every step of an `up` or `destroy`. On an account with 18 regions they
 * the largest part of an unlimited key's state, and they made `pulumi up` of many keys markedly
 * slower (figures in docs/performance.md). A limited key's details are small (its buckets' regions), but one rule for
 * every key is easier to predict than a size guess.
 *
 * @packageDocumentation
 */
import type { ApiKey, RegionDetails } from "./codecs";
import { UNKNOWN } from "./unknowns";

/** The outputs this module decides. */
export interface DetailsOutputs {
  /** One entry per S3 endpoint of the key's regions; only when asked for. */
  regions_details?: RegionDetails[];
  /** `true` when asked for; kept in outputs so that `read` (which sees only outputs) knows. */
  include_regions_details?: true;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Checks `include_regions_details` of raw inputs. `true` is kept; `false`, `null` and absence
 * all mean "no" and are left out, so switching between them never shows a diff.
 */
export function validateIncludeDetails(raw: Record<string, unknown>, fail: (property: string, reason: string) => void): { include_regions_details?: unknown } {
  const v = raw.include_regions_details;
  if (v === true || v === UNKNOWN) return { include_regions_details: v };
  if (v !== undefined && v !== null && v !== false) fail("include_regions_details", `must be true or false, not ${Array.isArray(v) ? "a list" : typeof v}`);
  return {};
}

/** True when `props` (inputs, or stored outputs) ask for the details. */
function asked(props: Readonly<Record<string, unknown>> | undefined): boolean {
  return props?.include_regions_details === true;
}

/**
 * The details outputs of an API key for `props` (the inputs, or the stored outputs on a read):
 * none unless asked for; else one entry per endpoint, sorted by region, endpoint type and host,
 * the same whatever order the API lists them in.
 */
export function detailsOutputs(key: ApiKey, props: Readonly<Record<string, unknown>> | undefined): DetailsOutputs {
  if (!asked(props)) return {};
  return {
    include_regions_details: true,
    regions_details: key.regions
      .map((r) => ({ id: r.id, s3_endpoint: r.s3_endpoint, endpoint_type: r.endpoint_type ?? null }))
      .sort((a, b) => byText(a.id, b.id) || byText(a.endpoint_type ?? "", b.endpoint_type ?? "") || byText(a.s3_endpoint, b.s3_endpoint)),
  };
}

/** Whether the inputs ask for the details differently from what the stored outputs hold (an unknown value counts as a change). */
export function detailsChange(olds: Readonly<Record<string, unknown>>, news: Readonly<Record<string, unknown>>): boolean {
  return news.include_regions_details === UNKNOWN || asked(olds) !== asked(news);
}

/**
 * Stored outputs with their details as `news` ask, without an API call; `undefined` when the
 * details are asked for and the state has none (only a read of the key knows its endpoints).
 */
export function restateDetails<T extends object>(olds: T, news: Readonly<Record<string, unknown>>): T | undefined {
  const { regions_details, include_regions_details: _flag, ...rest } = olds as T & DetailsOutputs;
  if (!asked(news)) return rest as T;
  return regions_details ? ({ ...rest, include_regions_details: true, regions_details } as T) : undefined;
}
