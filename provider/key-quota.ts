/**
 * The account's access-key limit: reading its usage, and telling a user who hits it what to do.
 *
 * Linode holds at most 100 access keys per account (Akamai's "Object Storage quotas and limits").
 * What the API answers to a create at the limit is not in any public recording, so a refused
 * create is recognised by asking the usage endpoint, never by the refusal's text or status.
 *
 * @packageDocumentation
 */
import type { KeyQuota } from "./codecs";
import { LinodeApiError, isLinodeApiError, isObjectStorageKeyError, linodeApiError } from "./errors";

/** Where the API reports the account's key limit and usage. */
export const KEY_QUOTA_PATH = "/object-storage/global-quotas/keys/usage";

/** A create refused because the account holds as many keys as its limit allows. */
export interface KeyLimitError extends LinodeApiError {
  /** The usage read right after the refusal. */
  readonly keyQuota: KeyQuota;
}

/** True for a create refused at the account's key limit. */
export function isKeyLimitError(err: unknown): err is KeyLimitError {
  return isLinodeApiError(err) && typeof Reflect.get(err, "keyQuota") === "object";
}

/** The sentence that says where the account stands and what to do. */
export function keyLimitAdvice(quota: KeyQuota): string {
  return (
    `The account holds ${quota.usage} Object Storage access keys and its limit is ${quota.quota_limit} (${KEY_QUOTA_PATH}), so Linode creates no more. ` +
    "Revoke keys nobody uses (linode-cli object-storage keys-delete <id>, or the Cloud Manager); `npx linode-objkey untracked` lists keys that carry a label " +
    "of your stacks but that no stack's state tracks; or ask Linode support to raise the limit. Then run pulumi up again"
  );
}

/**
 * Statuses a refusal at the limit could plausibly carry: any 4xx but those that mean something
 * else for certain (bad token, wrong route, timeout, rate limit).
 */
function mayBeLimit(err: LinodeApiError): boolean {
  return err.status >= 400 && err.status < 500 && ![401, 404, 408, 429].includes(err.status);
}

/**
 * `err` from a create, explained when the account is at its key limit: one read of the usage
 * endpoint decides. Any other error, or a usage read that fails, leaves `err` as it was.
 */
export async function explainRefusedCreate(err: unknown, operation: string, readQuota: () => Promise<KeyQuota>): Promise<unknown> {
  if (!isLinodeApiError(err) || !mayBeLimit(err) || isKeyLimitError(err)) return err;
  let quota: KeyQuota;
  try {
    quota = await readQuota();
  } catch (readErr) {
    if (isObjectStorageKeyError(readErr)) return err;
    throw readErr;
  }
  if (quota.usage < quota.quota_limit) return err;
  return Object.assign(linodeApiError(operation, err.status, err.reasons, keyLimitAdvice(quota)), { keyQuota: quota }) satisfies KeyLimitError;
}
