/**
 * Reading keys from a program: {@link getObjectStorageKey} and {@link getObjectStorageKeys}.
 *
 * @packageDocumentation
 */
import * as pulumi from "@pulumi/pulumi";
import { ApiKey, parseKeyId } from "./codecs";
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
