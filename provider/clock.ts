/**
 * The provider's clock, for judging a key's age: `LINODE_OBJKEY_NOW` when set, else the system
 * clock. The variable lets tests, and users who want to see what a later `up` would rotate, move
 * time without waiting (`LINODE_OBJKEY_NOW=2027-01-01T00:00:00Z pulumi preview`). Also the one
 * reading and writing of instants. Depends on nothing above it.
 *
 * @packageDocumentation
 */
import { objkeyError } from "./errors";

/** The environment variable that sets the provider's clock: an ISO 8601 instant such as `2026-01-31T00:00:00Z`. */
export const NOW_ENV = "LINODE_OBJKEY_NOW";

/**
 * The latest instant the clock may read: a key created then is due at most 3650 days
 * (`ROTATION_DAYS_MAX`) later, still within year 9999, so `rotation_due_at` keeps the
 * documented `YYYY-MM-DDThh:mm:ssZ` form (JavaScript writes later years as `+010008-…`).
 */
export const LATEST_NOW = Date.UTC(9989, 11, 31, 23, 59, 59);

/** An ISO 8601 instant: a date and a time of day, with `Z` or an offset. */
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/**
 * Milliseconds since the epoch of an ISO 8601 instant, or `undefined` for anything else,
 * including dates the calendar lacks (`2026-02-30`), which `Date.parse` would roll over.
 */
export function parseInstant(v: unknown): number | undefined {
  const m = typeof v === "string" ? ISO_INSTANT.exec(v) : null;
  if (!m) return undefined;
  const [year, month, day, hour, minute, second, offHour, offMinute] = [1, 2, 3, 4, 5, 6, 8, 9].map((i) => Number(m[i] ?? 0));
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const valid = month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59 && offHour <= 23 && offMinute <= 59;
  const ms = valid ? Date.parse(m[0]) : NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * An instant as ISO 8601 UTC to the second (`2026-01-31T00:00:00Z`). Whole seconds: the text
 * then has no `.`, which the engine would read as a property path separator in a replace reason.
 */
export function formatInstant(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * The current instant in milliseconds since the epoch: `LINODE_OBJKEY_NOW` when set (read at each
 * call), else `Date.now()`.
 *
 * @throws An `ObjectStorageKeyError` of kind `settings` when `LINODE_OBJKEY_NOW` is set but is not
 * an ISO 8601 instant of a real date, or lies past {@link LATEST_NOW}.
 */
export function now(): number {
  const raw = process.env[NOW_ENV];
  if (raw === undefined || raw.trim() === "") return Date.now();
  const ms = parseInstant(raw.trim());
  if (ms === undefined || ms > LATEST_NOW) {
    const why =
      ms === undefined
        ? "which is not an ISO 8601 instant of a real date"
        : `which is past ${formatInstant(LATEST_NOW)}, so a due date 3650 days later could not be written in ISO 8601`;
    throw objkeyError("settings", `LINODE_OBJKEY_NOW is "${raw.slice(0, 40)}", ${why}: set it like 2026-01-31T00:00:00Z, or unset it to use the system clock.`);
  }
  return ms;
}
