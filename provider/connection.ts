/**
 * `connection`: the Linode account a key lives in, when it is not the stack's (`linode:token`,
 * `LINODE_TOKEN`). Pure rules plus one check against the API.
 *
 * A key's connection is stored in its outputs (a secret: resource.ts adds it to
 * `additionalSecretOutputs`), because `refresh` and `destroy` see only the stored outputs: every
 * verb then uses the account the key was made in, never the stack's default token. A change of
 * connection (token rotation, another URL, adding or removing `connection`) changes no key: the
 * key is looked up once with the new settings, and the new settings are recorded only when the
 * key is visible with them.
 *
 * @packageDocumentation
 */
import type { ApiKey } from "./codecs";
import type { KeysClient } from "./client";
import { isObjectStorageKeyError, objkeyError } from "./errors";
import { ConfigSource, LinodeSettings, checkApiRoot, resolveSettings, settingSources } from "./settings";
import { UNKNOWN } from "./unknowns";
import { isRecord } from "./values";

/** A key's connection with every field resolved, as check stores it in inputs and outputs. */
export interface ResolvedConnection {
  /** The account's API token. */
  readonly token: string;
  /** API root without the version. */
  readonly url: string;
  /** API version path segment. */
  readonly apiVersion: string;
}

const FIELDS = ["token", "url", "apiVersion"];

/** A pasted token often ends with a newline; anything else outside visible ASCII cannot go in an HTTP header. */
const isTokenText = (token: string) => /^[\x21-\x7e]+$/.test(token);

/**
 * Checks `connection` of raw inputs and returns it resolved: `url` and `apiVersion` default to
 * Linode's (`https://api.linode.com`, `v4`), not to stack config, so a key's account never depends
 * on config it was not made with. Never echoes the token. Unknown values (preview) pass.
 */
export function validateConnection(raw: Record<string, unknown>, fail: (property: string, reason: string) => void): { connection?: unknown } {
  const c = raw.connection;
  if (c === undefined || c === null) return {};
  if (c === UNKNOWN) return { connection: c };
  if (!isRecord(c)) {
    fail("connection", "must be an object { token, url?, apiVersion? }, as the linode: config keys name them");
    return {};
  }
  let ok = true;
  const bad = (field: string, reason: string) => {
    ok = false;
    fail(`connection.${field}`, reason);
  };
  for (const k of Object.keys(c))
    if (!FIELDS.includes(k) && c[k] !== undefined) bad(k, "unknown property: use token, url and apiVersion (the names of the linode: config keys)");
  const { token, url, apiVersion } = c;
  if (token === undefined || token === null || token === "")
    bad("token", "is required: the account's API token, as a secret (pulumi.secret or config.requireSecret)");
  else if (token !== UNKNOWN && (typeof token !== "string" || !isTokenText(token.trim()))) {
    bad("token", "must be a token string without spaces, control or non-ASCII characters; copy it again (its value is not shown)");
  }
  let root: unknown = url;
  if (url !== undefined && url !== UNKNOWN) {
    try {
      root = checkApiRoot(String(url));
    } catch (err) {
      bad("url", (err instanceof Error ? err.message : String(err)).replace(/^Setting url /, "").replace(/ Fix stack config .*$/, ""));
    }
  }
  if (
    apiVersion !== undefined &&
    apiVersion !== UNKNOWN &&
    (typeof apiVersion !== "string" || !/^[A-Za-z0-9._-]+$/.test(apiVersion.replace(/^\/+|\/+$/g, "")))
  ) {
    bad("apiVersion", "must be one path segment such as v4 or v4beta");
  }
  if (!ok) return {};
  const S = settingSources();
  return {
    connection: {
      token: typeof token === "string" ? token.trim() : token,
      url: root ?? S.url.default,
      apiVersion: typeof apiVersion === "string" ? apiVersion.replace(/^\/+|\/+$/g, "") : (apiVersion ?? S.apiVersion.default),
    },
  };
}

/** The resolved connection of `props` (checked inputs, or stored outputs), or `undefined` for the stack's account. */
export function connectionOf(props: Readonly<Record<string, unknown>> | undefined): ResolvedConnection | undefined {
  const c = props?.connection;
  if (!isRecord(c) || typeof c.token !== "string") return undefined;
  const S = settingSources();
  return {
    token: c.token.trim(),
    url: typeof c.url === "string" ? c.url : S.url.default,
    apiVersion: typeof c.apiVersion === "string" ? c.apiVersion : S.apiVersion.default,
  };
}

/** The settings for a key: its own connection when it has one, else stack config and the environment. Retry knobs always come from the stack. */
export function settingsFor(config: ConfigSource | undefined, props: Readonly<Record<string, unknown>> | undefined): LinodeSettings {
  const c = connectionOf(props);
  return resolveSettings(config, process.env, c ? { token: c.token, url: c.url, apiVersion: c.apiVersion } : {});
}

/** The `connection` output for `shaping` (the inputs, or the stored outputs on a read): the resolved connection, or none. */
export function connectionOutputs(shaping: Readonly<Record<string, unknown>> | undefined): { connection?: ResolvedConnection } {
  const c = connectionOf(shaping);
  return c ? { connection: c } : {};
}

/** Whether the inputs name another account (or other settings for it) than the stored outputs; an unknown value counts as a change. */
export function connectionChanges(olds: Readonly<Record<string, unknown>>, news: Readonly<Record<string, unknown>>): boolean {
  if (news.connection === UNKNOWN || (isRecord(news.connection) && Object.values(news.connection).includes(UNKNOWN))) return true;
  const a = connectionOf(olds);
  const b = connectionOf(news);
  return a?.token !== b?.token || a?.url !== b?.url || a?.apiVersion !== b?.apiVersion;
}

/**
 * Looks key `id` up once with the new settings, before they are recorded: a token of another
 * account, or another URL, must not take over a key's state. Throws naming the key when it is
 * not visible; nothing is revoked or recreated, and state keeps the previous settings.
 */
export async function confirmVisible(client: KeysClient, id: number): Promise<ApiKey> {
  const where = `${client.settings.baseUrl} with the new token (not shown)`;
  const keep =
    `Nothing was revoked or recreated, and the state still points at key ${id} with its previous settings. ` +
    "Restore the previous connection (token, url, apiVersion) or stack config, or give a token of the account that holds the key";
  let key: ApiKey | undefined;
  try {
    key = await client.getKey(id);
  } catch (err) {
    if (!isObjectStorageKeyError(err)) throw err;
    throw objkeyError("settings", `Key ${id} is not visible with the new connection settings (${where}): ${err.message.replace(/\.$/, "")}. ${keep}.`);
  }
  if (!key) throw objkeyError("settings", `Key ${id} is not visible with the new connection settings (${where}): that account has no key ${id}. ${keep}.`);
  return key;
}
