/**
 * What goes over the wire for a create, and how an API answer becomes the resource's outputs.
 * Pure.
 *
 * @packageDocumentation
 */
import type { ApiKey, KeyInputs, KeyOutputs } from "./codecs";
import type { CreateKeyBody } from "./client";
import { effectiveRegion } from "./access";
import { connectionOutputs } from "./connection";
import { detailsOutputs } from "./regions-details";
import { rotationOutputs } from "./rotation";

/** What the API returns as `secret_key` everywhere but in the create response. */
export const REDACTED = "[REDACTED]";

/**
 * The create request for checked inputs; `bucket_access` is left out for an unlimited key.
 * `regions` goes as declared: live accepts regions that leave out a bucket's region and gives the
 * key the union.
 */
export function createBody(inputs: KeyInputs): CreateKeyBody {
  const body: CreateKeyBody = { label: inputs.label };
  if (inputs.bucket_access !== undefined) {
    // The current API schema takes `region` only, so a legacy cluster is sent as its region.
    body.bucket_access = inputs.bucket_access.map((e) => ({ bucket_name: e.bucket_name, permissions: e.permissions, region: effectiveRegion(e) }));
  }
  if (inputs.regions !== undefined) body.regions = [...inputs.regions];
  return body;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The resource's outputs for an API key, the same whatever order the API lists things in (it
 * guarantees none): `regions` deduplicated (the API lists a region once per endpoint) and sorted;
 * `bucket_access` sorted by region, bucket and permissions. The secret is the API's when it is
 * real (create), else `knownSecret` (from state); `[REDACTED]` is never stored. `shaping` is the
 * inputs, or the stored outputs on a read: the outputs carry the rotation fields of its
 * `created_at` and rotation inputs (the API knows neither; see rotation.ts), and `regions_details`
 * when it asks for them (see regions-details.ts), and its `connection` (see connection.ts).
 */
export function toOutputs(key: ApiKey, knownSecret?: unknown, shaping?: Readonly<Record<string, unknown>>): KeyOutputs {
  const secret = key.secret_key !== REDACTED ? key.secret_key : typeof knownSecret === "string" && knownSecret !== REDACTED ? knownSecret : undefined;
  const outputs: KeyOutputs = {
    label: key.label,
    access_key: key.access_key,
    limited: key.limited,
    bucket_access:
      key.bucket_access === null
        ? null
        : [...key.bucket_access].sort(
            (a, b) =>
              byText(a.region, b.region) ||
              byText(a.bucket_name, b.bucket_name) ||
              byText(a.permissions, b.permissions) ||
              byText(a.cluster ?? "", b.cluster ?? ""),
          ),
    regions: [...new Set(key.regions.map((r) => r.id))].sort(byText),
    ...detailsOutputs(key, shaping),
    ...connectionOutputs(shaping),
  };
  if (secret !== undefined) outputs.secret_key = secret;
  if (shaping) Object.assign(outputs, rotationOutputs(shaping.created_at, shaping));
  return outputs;
}
