/**
 * Pulumi's unknown value: what `check` and `diff` receive during preview for an input that is not
 * known yet. Written here once; a unit test holds it equal to the SDK's public
 * `pulumi.runtime.unknownValue`, which is not imported because a value import of
 * `@pulumi/pulumi` would pull the SDK into the provider that Pulumi serializes into state.
 *
 * @packageDocumentation
 */

/** The string Pulumi passes for a value that is not known yet (during preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when `v` is Pulumi's unknown-value sentinel. */
export function isUnknown(v: unknown): boolean {
  return v === UNKNOWN;
}

/** True when `v` is, or contains anywhere, Pulumi's unknown-value sentinel. */
export function containsUnknown(v: unknown): boolean {
  if (isUnknown(v)) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v !== null && typeof v === "object") return Object.values(v).some(containsUnknown);
  return false;
}
