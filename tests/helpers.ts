/** Shared test helpers: a configured provider against an emulator. */
import { strict as assert } from "node:assert";
import { ObjectStorageKeyProvider } from "../provider";
import type { Emulator } from "../emulator/server";

/** Fast retry settings so fault tests run in milliseconds. */
export const FAST_RETRIES = { "linode:minRetryDelayMs": "1", "linode:maxRetryDelayMs": "20", "linode-objkey:timeoutMs": "400" };

/** Stack config as the engine hands it to `configure`. */
export function stackConfig(values: Record<string, string>) {
  return {
    get: (key: string) => values[key],
    require: (key: string) => {
      if (values[key] === undefined) throw new Error(`missing ${key}`);
      return values[key];
    },
  };
}

/** A fresh provider configured to talk to the emulator. */
export async function providerFor(emu: Emulator, extra: Record<string, string> = {}): Promise<ObjectStorageKeyProvider> {
  const p = new ObjectStorageKeyProvider();
  await p.configure({ config: stackConfig({ "linode:token": emu.token, "linode:url": emu.url, ...FAST_RETRIES, ...extra }) });
  return p;
}

/** Requests the emulator saw, as `METHOD path` strings. */
export function calls(emu: Emulator): string[] {
  return emu.requests.map((r) => `${r.method} ${r.path.replace(/^\/v4(beta)?/, "")}`);
}

/** Runs `fn`, expecting it to throw; returns the error. */
export async function rejection(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (err) {
    return err as Error;
  }
  assert.fail("expected an error");
}
