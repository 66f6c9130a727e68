/**
 * Small facts about untyped values, for messages and guards.
 *
 * @packageDocumentation
 */

/** How a value's type reads in a message: `null`, `a list`, `an object`, `a number`. */
export function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/** True for a plain object (not null, not a list). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
