/**
 * Guards that run in the user's program (where the provider cannot reach): the token must be a
 * secret, and `@pulumi/pulumi`'s own debug log lines must not carry secret outputs.
 *
 * @packageDocumentation
 */
import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import * as runtimeState from "@pulumi/pulumi/runtime/state";
import { objkeyError } from "./errors";

const RESPONSE_LOGS = ["RegisterResource RPC finished: ", "ReadResource RPC finished: "];
const SEPARATOR = ", resp: ";
/** Marks a wrapped `debug`, so two copies of this package never wrap it twice. */
const WRAPPED = Symbol.for("pulumi-linode-objkey/debug-without-responses");

/**
 * `message` without the RPC response when it is one of the SDK's response log lines.
 *
 * The Node.js SDK (3.260.0 and at least through 3.276.0, runtime/resource.js) logs every
 * RegisterResource and ReadResource response at debug severity. The response carries each secret
 * output's plaintext inside its secret envelope (the program needs the value), and debug events
 * reach `pulumi up --event-log` and the Automation API's `onEvent` at every verbosity. No output
 * shape from the provider avoids it (measured); dropping the response from those lines does.
 */
export function withoutResponse(message: string): string {
  if (!RESPONSE_LOGS.some((p) => message.startsWith(p))) return message;
  const at = message.indexOf(SEPARATOR);
  return at < 0 ? message : `${message.slice(0, at)}, resp: (omitted by pulumi-linode-objkey: it holds secret values)`;
}

/** Wraps `pulumi.log.debug` once per `@pulumi/pulumi` instance so response log lines lose their response. */
export function omitResponsesFromDebugLog(): void {
  const log = pulumi.log as typeof pulumi.log & { [WRAPPED]?: true };
  if (log[WRAPPED]) return;
  const debug = log.debug;
  Object.assign(log, {
    debug: (msg: string, ...rest: Parameters<typeof debug> extends [string, ...infer R] ? R : never) => debug(withoutResponse(msg), ...rest),
    [WRAPPED]: true,
  });
}

/**
 * The config keys the language host reported as secret, or `undefined` when it reported none (an
 * older host, or no program running). Read from the SDK's internals, so looked up, never assumed.
 */
function reportedSecretKeys(): string[] | undefined {
  const getStore: unknown = Reflect.get(runtimeState, "getStore");
  const key: unknown = Reflect.get(runtimeConfig, "configSecretKeysEnvKey");
  if (typeof getStore !== "function" || typeof key !== "string") return undefined;
  const store: unknown = getStore();
  const raw: unknown = typeof store === "object" && store !== null ? Reflect.get(Reflect.get(store, "config") ?? {}, key) : undefined;
  if (typeof raw !== "string") return undefined;
  try {
    const list: unknown = JSON.parse(raw);
    return Array.isArray(list) ? list.filter((k): k is string => typeof k === "string") : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Refuses a `linode:token` set without `--secret`: Pulumi passes stack config to dynamic
 * providers as the default provider's inputs, so a plain token is written to state, its backups
 * and the update history. The provider cannot tell (its host unwraps secrets before `configure`);
 * the program can, from the secret keys its language host reports.
 */
export function refusePlainToken(): void {
  const secretKeys = reportedSecretKeys();
  if (secretKeys === undefined || pulumi.runtime.getConfig("linode:token") === undefined || secretKeys.includes("linode:token")) return;
  throw objkeyError(
    "settings",
    "linode:token is set in plain text, so Pulumi would write it to the stack's state, backups and history. " +
      "Run `pulumi config set --secret linode:token <token>` (or remove it and use LINODE_TOKEN), then rotate the token: the old value is already in Pulumi.<stack>.yaml.",
  );
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
