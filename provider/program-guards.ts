/**
 * Guards that run in the user's program (where the provider cannot reach): the token must be a
 * secret, and `@pulumi/pulumi`'s own debug log lines about this package's resources must not carry
 * secret outputs.
 *
 * Both lean on SDK details that a release may change. So each guard runs inside try/catch: when
 * it cannot work on the SDK it finds, it warns once (naming the SDK version and what is no longer
 * guarded) and the program goes on. A guard that cannot work never throws; the refusal of a plain
 * token, which is the token guard's job, does.
 *
 * @packageDocumentation
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { isObjectStorageKeyError, objkeyError } from "./errors";
import { OBJECT_STORAGE_KEY_TYPE } from "./type-token";

const RESPONSE_LOGS = ["RegisterResource RPC finished: ", "ReadResource RPC finished: "];
const SEPARATOR = ", resp: ";
/** The key of Pulumi's secret envelope: a debug line holding it holds a secret's plaintext. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const OMITTED = "(omitted by pulumi-linode-objkey: it holds secret values)";
/** Our resources' label in the SDK's log lines: `resource:<name>[<type>]`. */
const OUR_LABEL = `[${OBJECT_STORAGE_KEY_TYPE}]`;
/** Marks a wrapped `debug`, so two copies of this package never wrap it twice. */
const WRAPPED = Symbol.for("pulumi-linode-objkey/debug-without-responses");

/** The parts of `@pulumi/pulumi` the guards use: a parameter, so tests can hand in an SDK that changed. */
export interface GuardSdk {
  /** `pulumi.log`: its `debug` is wrapped, its `warn` reports a guard that cannot work. */
  readonly log: typeof pulumi.log;
  /** `pulumi.runtime` (the public entry point): config and the name of the secret-keys setting. */
  readonly runtime: typeof pulumi.runtime;
  /** The SDK's version, for warnings (`unknown` when it cannot be read). */
  readonly version: string;
  /**
   * Loads `@pulumi/pulumi/runtime/state`, which no public API replaces (it alone tells whether the
   * language host reported the secret config keys). Throws when the SDK no longer has it, e.g.
   * behind an `exports` map.
   */
  readonly runtimeState: () => unknown;
}

let installed: GuardSdk | undefined;

/** The program's own `@pulumi/pulumi`, as {@link GuardSdk} (read once: every constructor asks). */
export function installedSdk(): GuardSdk {
  return (installed ??= {
    log: pulumi.log,
    runtime: pulumi.runtime,
    version: installedVersion(),
    // A require inside the guard's try/catch, not an import: an `exports` map that hides the
    // file then costs the guard (with a warning), never the loading of this package.
    runtimeState: (): unknown => require("@pulumi/pulumi/runtime/state"),
  });
}

/** Read from the package.json beside the entry point: `@pulumi/pulumi/package.json` may be hidden by an `exports` map. */
function installedVersion(): string {
  try {
    const file = join(dirname(require.resolve("@pulumi/pulumi")), "package.json");
    const version: unknown = Reflect.get(JSON.parse(readFileSync(file, "utf8")), "version");
    return typeof version === "string" ? version : "unknown";
  } catch {
    return "unknown";
  }
}

/** Which warnings each SDK instance has had, so each is said once per program. */
const warned = new WeakMap<object, Set<string>>();

function warnOnce(sdk: GuardSdk, guard: string, lost: string, error: unknown): void {
  const seen = warned.get(sdk.log) ?? new Set<string>();
  warned.set(sdk.log, seen);
  if (seen.has(guard)) return;
  seen.add(guard);
  const why = error instanceof Error ? error.message : String(error);
  const message =
    `pulumi-linode-objkey: the ${guard} guard cannot work on @pulumi/pulumi ${sdk.version} (${why}), so ${lost}. ` +
    "The program goes on. Please report this with the SDK version.";
  try {
    void sdk.log.warn(message);
  } catch {
    console.warn(`warning: ${message}`);
  }
}

/**
 * Runs one guard. A failure of the guard's own machinery becomes a warning; an
 * `ObjectStorageKeyError` (the guard's verdict, e.g. a refused plain token) is thrown on.
 */
function guarded(sdk: GuardSdk, guard: string, lost: string, run: () => void): void {
  try {
    run();
  } catch (e) {
    if (isObjectStorageKeyError(e)) throw e;
    warnOnce(sdk, guard, lost, e);
  }
}

/**
 * `message` without the RPC response when it is one of the SDK's debug lines about an
 * `ObjectStorageKey` that carries its response. Other resources' lines pass untouched.
 *
 * The Node.js SDK (3.139.0 to 3.276.0, runtime/resource.js) logs every RegisterResource and
 * ReadResource response at debug severity. The response carries each secret output's plaintext
 * inside its secret envelope (the program needs the value), and debug events reach
 * `pulumi up --event-log` and the Automation API's `onEvent` at every verbosity. No output shape
 * from the provider avoids it (measured); dropping the response from those lines does. Should a
 * release reword the line, one that still names an `ObjectStorageKey` and holds a secret envelope
 * loses everything after the resource's label.
 */
export function withoutResponse(message: string): string {
  const label = message.indexOf(OUR_LABEL);
  if (label < 0) return message;
  const at = message.indexOf(SEPARATOR, label);
  if (RESPONSE_LOGS.some((p) => message.startsWith(p)) && at >= 0) return `${message.slice(0, at)}${SEPARATOR}${OMITTED}`;
  if (!message.includes(SECRET_SIG)) return message;
  return `${message.slice(0, label + OUR_LABEL.length)} ${OMITTED}`;
}

/**
 * Wraps `pulumi.log.debug` once per `@pulumi/pulumi` instance so this package's response log lines
 * lose their response. Warns (once) instead when the SDK's log exports cannot be replaced.
 */
export function omitResponsesFromDebugLog(sdk: GuardSdk = installedSdk()): void {
  const lost = "debug log lines about ObjectStorageKey responses keep secret_key's plaintext (pulumi up --event-log, Automation API onEvent)";
  guarded(sdk, "debug-log", lost, () => {
    const log = sdk.log;
    if (Reflect.get(log, WRAPPED) === true) return;
    const debug: unknown = Reflect.get(log, "debug");
    if (typeof debug !== "function") throw new Error("pulumi.log.debug is not a function");
    const wrapped = (msg: unknown, ...rest: unknown[]): unknown => Reflect.apply(debug, log, [typeof msg === "string" ? withoutResponse(msg) : msg, ...rest]);
    // Reflect.set answers false (where Object.assign throws) on frozen or getter-only exports.
    if (!Reflect.set(log, "debug", wrapped) || Reflect.get(log, "debug") !== wrapped)
      throw new Error("pulumi.log.debug cannot be replaced: its exports are read-only");
    // Not enumerable: a copy of the log exports (`{ ...pulumi.log }`) is not wrapped.
    Reflect.defineProperty(log, WRAPPED, { value: true, enumerable: false });
  });
}

/**
 * The config keys the language host reported as secret, or `undefined` when it reported none (an
 * older host, or no program running). Throws when the SDK no longer has what it reads.
 */
function reportedSecretKeys(sdk: GuardSdk): string[] | undefined {
  const key: unknown = Reflect.get(sdk.runtime, "configSecretKeysEnvKey");
  if (typeof key !== "string") throw new Error("pulumi.runtime.configSecretKeysEnvKey is missing");
  const state = sdk.runtimeState();
  const getStore: unknown = typeof state === "object" && state !== null ? Reflect.get(state, "getStore") : undefined;
  if (typeof getStore !== "function") throw new Error("runtime/state has no getStore");
  const store: unknown = Reflect.apply(getStore, state, []);
  const config: unknown = typeof store === "object" && store !== null ? Reflect.get(store, "config") : undefined;
  if (typeof config !== "object" || config === null) throw new Error("the runtime store has no config");
  const raw: unknown = Reflect.get(config, key);
  if (typeof raw !== "string") return undefined;
  try {
    const list: unknown = JSON.parse(raw);
    return Array.isArray(list) ? list.filter((k): k is string => typeof k === "string") : undefined;
  } catch {
    return undefined;
  }
}

/** What the refusal says: where Pulumi already wrote the plain token, and what to do. */
export const PLAIN_TOKEN_MESSAGE =
  "linode:token is set in plain text, so Pulumi would write it to the stack's state, backups and history. " +
  "Run `pulumi config set --secret linode:token <token>` (or remove it and use LINODE_TOKEN), then rotate the token: " +
  "the old value is already in Pulumi.<stack>.yaml, and Pulumi has written it to the update history of every update " +
  "that started with it (a refresh, a destroy, an up with --skip-preview: see `pulumi stack history`; .pulumi/history/ in a file backend).";

/**
 * Refuses a `linode:token` set without `--secret`: Pulumi passes stack config to dynamic
 * providers as the default provider's inputs, so a plain token is written to state, its backups
 * and the update history. The provider cannot tell (its host unwraps secrets before `configure`);
 * the program can, from the secret keys its language host reports. Warns (once) instead when the
 * SDK no longer lets it read them.
 */
export function refusePlainToken(sdk: GuardSdk = installedSdk()): void {
  const lost = "a linode:token set without --secret is no longer refused (it would reach state and history)";
  guarded(sdk, "plain-token", lost, () => {
    const secretKeys = reportedSecretKeys(sdk);
    if (secretKeys === undefined || sdk.runtime.getConfig("linode:token") === undefined || secretKeys.includes("linode:token")) return;
    throw objkeyError("settings", PLAIN_TOKEN_MESSAGE);
  });
}

/** The connection a program gives a key (resource.ts's `ObjectStorageKeyConnection`). */
interface ConnectionArgs {
  token: pulumi.Input<string>;
  url?: pulumi.Input<string>;
  apiVersion?: pulumi.Input<string>;
}

/** The refusal of a token that is not a secret; it never carries the token. */
function plainConnectionToken(name: string): Error {
  return objkeyError(
    "settings",
    `connection.token of ObjectStorageKey "${name}" is not a Pulumi secret, so Pulumi would write it to the stack's state, backups and history in clear text. ` +
      'Wrap it with pulumi.secret(...) or read it with config.requireSecret("..."); nothing was sent to Linode.',
  );
}

/**
 * `connection` with its token checked: it must be a secret Output, else the program fails before
 * the key is registered (so before any request, at preview too). A plain string fails at once;
 * an Output that is not secret fails when its secrecy is known. The provider cannot tell: its
 * host unwraps secrets before every call.
 */
export function guardConnection<C extends ConnectionArgs>(name: string, connection: C | undefined): C | undefined {
  if (connection === undefined || connection === null || typeof connection !== "object") return connection;
  const token = connection.token;
  if (!pulumi.Output.isInstance(token)) {
    if (token === undefined || token === null) return connection;
    throw plainConnectionToken(name);
  }
  const given = pulumi.output(token as pulumi.Input<string>);
  const checked = pulumi.output(pulumi.isSecret(given)).apply((secret) => {
    if (!secret) throw plainConnectionToken(name);
    return given;
  });
  return { ...connection, token: pulumi.secret(checked) };
}
