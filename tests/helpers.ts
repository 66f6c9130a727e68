/** Shared test helpers: a configured provider against an emulator. */
import { strict as assert } from "node:assert";
import { ObjectStorageKeyProvider } from "./provider-class";
import { Emulator, EmulatorOptions, startEmulator } from "../emulator/server";

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

/** Waits `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until `cond()` holds, polling every 5 ms; fails after `ms`. */
export async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`condition not reached within ${ms} ms`);
    await sleep(5);
  }
}

/** Prints `rows` as an aligned table under `title` (the column names are the first row's keys). */
export function printTable(title: string, rows: Record<string, string | number>[]): void {
  console.log(`\n  ${title}`);
  if (!rows.length) return;
  const cols = Object.keys(rows[0]);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (vals: string[]) => `  ${vals.map((v, i) => v.padEnd(width[i])).join(" | ")}`;
  console.log(line(cols));
  console.log(`  ${width.map((n) => "-".repeat(n)).join("-+-")}`);
  for (const r of rows) console.log(line(cols.map((c) => String(r[c]))));
}

/**
 * One emulator for a `describe` block: started before its tests, reset before each, closed after.
 * Read `.emu` inside tests (it is set once the block starts).
 */
export function withEmulator(opts?: EmulatorOptions): { readonly emu: Emulator } {
  let emu: Emulator | undefined;
  before(async () => {
    emu = await startEmulator(opts);
  });
  after(() => emu?.close());
  beforeEach(() => emu?.reset());
  return {
    get emu(): Emulator {
      if (!emu) throw new Error("withEmulator: read .emu inside a test or hook");
      return emu;
    },
  };
}

/**
 * {@link withEmulator} plus a fresh provider configured for it before each test (`settings` are
 * stack config added to the token, URL and {@link FAST_RETRIES}).
 */
export function withProvider(settings: Record<string, string> = {}, opts?: EmulatorOptions): { readonly emu: Emulator; readonly p: ObjectStorageKeyProvider } {
  const ctx = withEmulator(opts);
  let p: ObjectStorageKeyProvider | undefined;
  beforeEach(async () => {
    p = await providerFor(ctx.emu, settings);
  });
  return {
    get emu(): Emulator {
      return ctx.emu;
    },
    get p(): ObjectStorageKeyProvider {
      if (!p) throw new Error("withProvider: read .p inside a test or hook");
      return p;
    },
  };
}

/** The legacy cluster ids the live API reports (reference notes §8), with their regions. */
export const LIVE_CLUSTERS: readonly (readonly [string, string])[] = [
  ["us-east-1", "us-east"],
  ["us-iad-1", "us-iad"],
  ["in-maa-1", "in-maa"],
  ["se-sto-1", "se-sto"],
  ["us-lax-1", "us-lax"],
];

/** Stands for a create marker in expected request bodies: every create POSTs under one. */
export const MARKER = "<create marker>";

/**
 * The create marker's form, written out here rather than taken from create-marker.ts, so that a
 * change to the marker's form fails the tests instead of passing them.
 */
export const MARKER_FORM = /^pulumi-objkey-create-[0-9a-z]{9}-[a-z2-7]{16}$/;

/** A POST body with its label, which must be a create marker, replaced by {@link MARKER}. */
export function markedBody(body: unknown): unknown {
  const { label, ...rest } = body as { label?: unknown };
  assert.match(String(label), MARKER_FORM, "a create POSTs under a create marker");
  return { label: MARKER, ...rest };
}

/** Requests with key ids written `{id}`: a create is `POST …/keys` then `PUT …/keys/{id}`. */
export function shapes(emu: Emulator): string[] {
  return calls(emu).map((c) => c.replace(/\/\d+$/, "/{id}"));
}

/**
 * Asserts that `message` mentions each fact (a literal string or a pattern), whatever the wording
 * around them. Tests pin a message's exact wording only where the wording is the promise (what
 * the user is told to do); elsewhere they hold the facts: ids, numbers, names, codes.
 */
export function assertMentions(message: string, ...facts: (string | RegExp)[]): void {
  for (const fact of facts) {
    const found = typeof fact === "string" ? message.includes(fact) : fact.test(message);
    assert.ok(found, `the message mentions ${String(fact)}: ${message}`);
  }
}
