/**
 * The provider's clock, for judging a key's age: `LINODE_OBJKEY_NOW` when set, else the system
 * clock. The variable lets tests, and users who want to see what a later `up` would rotate, move
 * time without waiting (`LINODE_OBJKEY_NOW=2027-01-01T00:00:00Z pulumi preview`).
 *
 * @packageDocumentation
 */
import { objkeyError } from "./errors";
import { parseInstant } from "./rotation";

/** The environment variable that sets the provider's clock: an ISO 8601 instant such as `2026-01-31T00:00:00Z`. */
export const NOW_ENV = "LINODE_OBJKEY_NOW";

/**
 * The current instant in milliseconds since the epoch: `LINODE_OBJKEY_NOW` when set (read at each
 * call), else `Date.now()`.
 *
 * @throws An `ObjectStorageKeyError` of kind `settings` when `LINODE_OBJKEY_NOW` is set but is not an ISO 8601 instant.
 */
export function now(): number {
  const raw = process.env[NOW_ENV];
  if (raw === undefined || raw.trim() === "") return Date.now();
  const ms = parseInstant(raw.trim());
  if (ms === undefined) {
    throw objkeyError(
      "settings",
      `LINODE_OBJKEY_NOW is "${raw.slice(0, 40)}", which is not an ISO 8601 instant: set it like 2026-01-31T00:00:00Z, or unset it to use the system clock.`,
    );
  }
  return ms;
}
