/**
 * Key rotation, as pure functions: checking `rotation_days` and `rotation_trigger`, when a key is
 * due, what a change of either does, and the outputs that show a key's age (`created_at`,
 * `rotation_due_at`). Every function that judges age takes the instant as a parameter (the clock
 * is read in clock.ts), so the rules are tested against any time without waiting.
 *
 * @packageDocumentation
 */
import { formatInstant, parseInstant } from "./clock";
import { UNKNOWN } from "./unknowns";

/** The shortest `rotation_days` accepted. */
export const ROTATION_DAYS_MIN = 1;
/** The longest `rotation_days` accepted (ten years). */
export const ROTATION_DAYS_MAX = 3650;
/** The most characters `rotation_trigger` may have. */
export const ROTATION_TRIGGER_MAX = 256;

const DAY_MS = 86400000;

/** The rotation fields of a key's outputs; the provider sets the first two, the inputs the others. */
export interface RotationOutputs {
  /** When the provider created the key (ISO 8601, UTC, whole seconds); absent for keys made before rotation existed. */
  created_at?: string;
  /** `created_at` + `rotation_days`; absent without either. */
  rotation_due_at?: string;
  /** The rotation period in days, as the inputs gave it. */
  rotation_days?: number;
  /** The rotation trigger, as the inputs gave it. */
  rotation_trigger?: string;
}

/** The rotation fields of outputs, as an array: not a Set, which the closure serializer cannot carry. */
const ROTATION_FIELDS = ["created_at", "rotation_due_at", "rotation_days", "rotation_trigger"];

/** When a key created at `createdAt` is due after `days`, or `undefined` when either is missing or invalid. */
export function dueAt(createdAt: unknown, days: unknown): number | undefined {
  const created = parseInstant(createdAt);
  if (created === undefined || typeof days !== "number" || !Number.isFinite(days)) return undefined;
  return created + days * DAY_MS;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "number") return String(v);
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/**
 * Checks `rotation_days` and `rotation_trigger` of raw inputs, reporting each failure through
 * `fail`, and returns the valid ones (absent ones and `null` are left out; unknown values pass).
 */
export function validateRotation(raw: Record<string, unknown>, fail: (property: string, reason: string) => void): RotationOutputs {
  const out: Record<string, unknown> = {};
  const days = raw.rotation_days;
  if (days !== undefined && days !== null) {
    if (days === UNKNOWN) out.rotation_days = days;
    else if (typeof days !== "number" || !Number.isInteger(days) || days < ROTATION_DAYS_MIN || days > ROTATION_DAYS_MAX) {
      fail("rotation_days", `must be a whole number of days from ${ROTATION_DAYS_MIN} to ${ROTATION_DAYS_MAX}, not ${describe(days)}`);
    } else out.rotation_days = days;
  }
  const trigger = raw.rotation_trigger;
  if (trigger !== undefined && trigger !== null) {
    if (typeof trigger !== "string") fail("rotation_trigger", `must be a string, not ${describe(trigger)}`);
    else if ([...trigger].length > ROTATION_TRIGGER_MAX) {
      fail("rotation_trigger", `must be at most ${ROTATION_TRIGGER_MAX} characters long; it has ${[...trigger].length}`);
    } else out.rotation_trigger = trigger;
  }
  return out as RotationOutputs;
}

/**
 * The rotation outputs of a key created at `createdAt` (an ISO instant, or nothing for a key made
 * before rotation existed) with the rotation inputs of `inputs`.
 */
export function rotationOutputs(createdAt: unknown, inputs: { rotation_days?: unknown; rotation_trigger?: unknown }): RotationOutputs {
  const out: RotationOutputs = {};
  if (parseInstant(createdAt) !== undefined) out.created_at = createdAt as string;
  if (typeof inputs.rotation_days === "number") out.rotation_days = inputs.rotation_days;
  if (typeof inputs.rotation_trigger === "string") out.rotation_trigger = inputs.rotation_trigger;
  const due = dueAt(out.created_at, out.rotation_days);
  if (due !== undefined) out.rotation_due_at = formatInstant(due);
  return out;
}

/** `outputs` with its rotation fields replaced by {@link rotationOutputs} of `createdAt` and `inputs`. */
export function withRotation<T extends object>(outputs: T, createdAt: unknown, inputs: { rotation_days?: unknown; rotation_trigger?: unknown }): T {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(outputs)) if (!ROTATION_FIELDS.includes(k)) rest[k] = v;
  return { ...rest, ...rotationOutputs(createdAt, inputs) } as T;
}

/**
 * The `replaces` entry of a key due by age. Dynamic providers cannot give `diff` a message, and
 * the engine prints each entry as `[diff: ~<entry>]`, so the entry carries the dates.
 */
export function rotationReason(createdAt: string, due: number): string {
  return `rotation_days (created ${createdAt}, due ${formatInstant(due)})`;
}

/**
 * What the rotation inputs change, from the stored outputs (`olds`) and checked inputs (`news`):
 * - `rotation_trigger` set to a value other than the stored one (also a first value on a key that
 *   had none, or an unknown value) replaces the key; removing it updates in place (no new key);
 * - `rotation_days` replaces the key when `now` is at or past `created_at + rotation_days`; else a
 *   changed or removed period (or an unknown one, decided at `up`) updates in place, with no API call;
 * - a key without `created_at` (made before rotation existed) is never due by age: its age is not known.
 * Without `now`, no key is due by age.
 */
export function rotationDiff(olds: Record<string, unknown>, news: Record<string, unknown>, now?: number): { replaces: string[]; updates: string[] } {
  const replaces: string[] = [];
  const updates: string[] = [];
  const trigger = news.rotation_trigger;
  if (trigger === UNKNOWN || (typeof trigger === "string" && trigger !== olds.rotation_trigger)) replaces.push("rotation_trigger");
  else if (trigger === undefined && olds.rotation_trigger !== undefined) updates.push("rotation_trigger");

  const days = news.rotation_days;
  const due = typeof days === "number" ? dueAt(olds.created_at, days) : undefined;
  if (now !== undefined && due !== undefined && now >= due) replaces.push(rotationReason(olds.created_at as string, due));
  else if (days !== olds.rotation_days) updates.push("rotation_days");
  return { replaces, updates };
}

/**
 * The line the provider writes to stderr when `diff` finds a key due by age, or `undefined` when
 * `replaces` holds no age reason. The engine does not display a dynamic provider's `replaces`
 * (only the inputs' own differences, and the rotation inputs did not change), but it shows a
 * provider's stderr under "Diagnostics" in `preview` and `up`: this is how the reason reaches
 * the user. It names the key by label and access key id (the engine gives `diff` no resource
 * name); neither is secret.
 */
export function dueNotice(olds: Record<string, unknown>, replaces: readonly string[]): string | undefined {
  const reason = replaces.find((r) => r.startsWith("rotation_days ("));
  if (reason === undefined) return undefined;
  return `Object Storage key "${String(olds.label)}" (access key ${String(olds.access_key)}) is due for rotation: ${reason}; pulumi up replaces it, creating the new key before revoking this one.`;
}
