/**
 * Reading keys from a program: {@link getObjectStorageKey}, {@link getObjectStorageKeys} and the
 * account's key limit, {@link getObjectStorageKeyQuota}.
 *
 * @packageDocumentation
 */
import * as pulumi from "@pulumi/pulumi";
import { ApiKey, KeyQuota, parseKeyId } from "./codecs";
import { createKeysClient } from "./client";
import { LinodeSettingsOverrides, resolveSettings } from "./settings";

function client(overrides?: LinodeSettingsOverrides) {
  // Inside a Pulumi program runtime.getConfig sees the stack config; elsewhere it finds none.
  return createKeysClient(resolveSettings({ get: (key) => pulumi.runtime.getConfig(key) }, process.env, overrides));
}

/**
 * Reads one key as the API shows it, or `undefined` when no key has that id. Its `secret_key`
 * is the literal `"[REDACTED]"`: Linode shows a secret only when it creates the key.
 * Settings come from `overrides`, then stack config (`linode:token`, ...), then the environment.
 * `overrides` takes a key's `connection` as it is (`token`, `url`, `apiVersion`), once its values
 * are known: inside `apply`, which keeps the result secret when the token is.
 *
 * ## Example Usage
 *
 * ```ts
 * import * as pulumi from "@pulumi/pulumi";
 * import { getObjectStorageKey } from "pulumi-linode-objkey";
 *
 * const staging = { token: new pulumi.Config("staging").requireSecret("linodeToken") };
 * // The key with id 1234 in the staging account (the result is secret, like the token).
 * const key = pulumi.output(staging).apply((connection) => getObjectStorageKey(1234, connection));
 * export const stagingKeyLabel = key.apply((k) => k?.label);
 * ```
 */
export async function getObjectStorageKey(id: number | string, overrides?: LinodeSettingsOverrides): Promise<ApiKey | undefined> {
  return client(overrides).getKey(parseKeyId(id));
}

/**
 * Reads every key on the account, across all pages, as the API shows them (each `secret_key`
 * is `"[REDACTED]"`). Settings as for {@link getObjectStorageKey}.
 */
export async function getObjectStorageKeys(overrides?: LinodeSettingsOverrides): Promise<ApiKey[]> {
  return client(overrides).listKeys();
}

/**
 * The account's access-key limit and how many keys it holds now, with one GET of
 * `/object-storage/global-quotas/keys/usage` (what `@pulumi/linode` reads as
 * `getObjectStorageGlobalQuota` with quota id `keys`). Settings as for {@link getObjectStorageKey}.
 *
 * ## Example Usage
 *
 * ```ts
 * import { getObjectStorageKeyQuota } from "pulumi-linode-objkey";
 *
 * const { quota_limit, usage } = await getObjectStorageKeyQuota();
 * if (quota_limit - usage < 10) console.warn(`Only ${quota_limit - usage} Object Storage keys left on this account.`);
 * ```
 */
export async function getObjectStorageKeyQuota(overrides?: LinodeSettingsOverrides): Promise<KeyQuota> {
  return client(overrides).getKeyQuota();
}
