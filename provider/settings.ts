/**
 * Where the provider finds its token, API root and retry knobs: explicit overrides, then stack
 * config, then the environment, then the defaults. Resolved each time a call runs, never
 * captured, so nothing of it reaches the serialized provider in state.
 *
 * Config namespaces: the names `@pulumi/linode` (the official provider) also reads stay under
 * `linode:` so one `linode:token` serves both; this package's own knobs live under
 * `linode-objkey:`, because bridged providers report unknown keys in their namespace as errors.
 *
 * @packageDocumentation
 */
import { objkeyError } from "./errors";

/** A source of stack config values, keyed `namespace:name` (e.g. `linode:token`). */
export interface ConfigSource {
  /** The value of one config key, or `undefined` when it is not set. */
  get(key: string): string | undefined;
}

/** Settings a caller may pass explicitly; each one wins over stack config and the environment. */
export interface LinodeSettingsOverrides {
  /** A Linode personal access token with the `object_storage:read_write` scope (read_only for reads). */
  token?: string;
  /**
   * API root without the version.
   * @defaultValue `https://api.linode.com`
   */
  url?: string;
  /**
   * API version path segment (`v4beta` also works).
   * @defaultValue `v4`
   */
  apiVersion?: string;
  /**
   * How many times one request is retried after a retryable failure (0 to 100).
   * @defaultValue 8
   */
  maxRetries?: number;
  /**
   * Shortest wait between retries in milliseconds.
   * @defaultValue 500
   */
  minRetryDelayMs?: number;
  /**
   * Longest wait between retries in milliseconds (also caps `Retry-After`).
   * @defaultValue 60000
   */
  maxRetryDelayMs?: number;
  /**
   * Time allowed for one HTTP request in milliseconds, from sending it to the last byte of the
   * answer.
   * @defaultValue 30000
   */
  timeoutMs?: number;
}

/** Fully resolved settings for one call. */
export interface LinodeSettings {
  /** The bearer token; never logged, never put in an error message. */
  readonly token: string;
  /** `<url>/<apiVersion>`, without a trailing slash. */
  readonly baseUrl: string;
  /** See {@link LinodeSettingsOverrides.maxRetries}. */
  readonly maxRetries: number;
  /** See {@link LinodeSettingsOverrides.minRetryDelayMs}. */
  readonly minRetryDelayMs: number;
  /** See {@link LinodeSettingsOverrides.maxRetryDelayMs}. */
  readonly maxRetryDelayMs: number;
  /** See {@link LinodeSettingsOverrides.timeoutMs}. */
  readonly timeoutMs: number;
}

/** Node's timers hold at most 2^31-1 ms; a larger delay silently fires after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** More retries than this only hide an outage: each one can wait up to `maxRetryDelayMs`. */
export const MAX_RETRIES = 100;

/**
 * Stack config keys and environment variables, with defaults and bounds, for every setting. A
 * function, not a module constant, so the serialized provider does not carry a copy.
 */
export function settingSources() {
  return {
    token: { config: "linode:token", env: "LINODE_TOKEN" },
    url: { config: "linode:url", env: "LINODE_URL", default: "https://api.linode.com" },
    apiVersion: { config: "linode:apiVersion", env: "LINODE_API_VERSION", default: "v4" },
    maxRetries: { config: "linode-objkey:maxRetries", env: "LINODE_MAX_RETRIES", default: 8, min: 0, max: MAX_RETRIES },
    minRetryDelayMs: { config: "linode:minRetryDelayMs", env: "LINODE_MIN_RETRY_DELAY_MS", default: 500, min: 0, max: MAX_TIMER_MS },
    maxRetryDelayMs: { config: "linode:maxRetryDelayMs", env: "LINODE_MAX_RETRY_DELAY_MS", default: 60000, min: 0, max: MAX_TIMER_MS },
    timeoutMs: { config: "linode-objkey:timeoutMs", env: "LINODE_TIMEOUT_MS", default: 30000, min: 1, max: MAX_TIMER_MS },
  } as const;
}

type Sources = ReturnType<typeof settingSources>;
type IntSetting = "maxRetries" | "minRetryDelayMs" | "maxRetryDelayMs" | "timeoutMs";

/** Hosts a plain `http://` URL may name: the token never leaves the machine. */
function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/**
 * The API root from `url`: an http(s) URL without credentials, spaces or an API version. Never
 * echoes a URL that could carry a credential.
 */
export function checkApiRoot(raw: string): string {
  const S = settingSources().url;
  const where = `Fix stack config ${S.config} or environment variable ${S.env}.`;
  if (/\s/.test(raw)) throw objkeyError("settings", `Setting url must not contain spaces. ${where}`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw objkeyError("settings", `Setting url must be an http(s) URL such as https://api.linode.com. ${where}`);
  }
  if (url.username || url.password) {
    throw objkeyError("settings", `Setting url must not carry credentials (user:password@); give the token with linode:token or LINODE_TOKEN. ${where}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw objkeyError("settings", `Setting url must be an http(s) URL such as https://api.linode.com, not ${url.protocol}//. ${where}`);
  }
  if (url.protocol === "http:" && !isLoopback(url.hostname)) {
    throw objkeyError(
      "settings",
      `Setting url is plain http:// to ${url.hostname}: the token would cross the network in clear text. Use https://, or http:// only to this machine (localhost, 127.0.0.1). ${where}`,
    );
  }
  if (url.search || url.hash) throw objkeyError("settings", `Setting url must not have a query or fragment. ${where}`);
  const root = `${url.origin}${url.pathname}`.replace(/\/+$/, "");
  if (/\/v4(beta)?$/i.test(root)) {
    throw objkeyError(
      "settings",
      `Setting url must not end with the API version (${url.pathname.replace(/\/+$/, "")}): give the root, e.g. https://api.linode.com, and set linode:apiVersion for the version. ${where}`,
    );
  }
  return root;
}

/**
 * Resolves settings: explicit overrides, then stack config, then the environment, then defaults.
 * Throws a `settings` error naming the config key and the variable for any bad value.
 */
export function resolveSettings(
  config: ConfigSource | undefined,
  env: Record<string, string | undefined> = process.env,
  overrides: LinodeSettingsOverrides = {},
): LinodeSettings {
  const S: Sources = settingSources();
  for (const name of ["maxRetries", "timeoutMs"] as const) {
    if (config?.get(`linode:${name}`) !== undefined) {
      throw objkeyError(
        "settings",
        `Stack config linode:${name} is now ${S[name].config} (the linode: namespace holds only the official provider's keys); set ${S[name].config} to the same value and run pulumi config rm linode:${name}.`,
      );
    }
  }
  const raw = (name: keyof Sources): string | undefined => {
    const given = overrides[name];
    if (given !== undefined) return String(given);
    const fromConfig = config?.get(S[name].config);
    if (fromConfig !== undefined && fromConfig !== "") return fromConfig;
    const fromEnv = env[S[name].env];
    return fromEnv === undefined || fromEnv === "" ? undefined : fromEnv;
  };
  const int = (name: IntSetting): number => {
    const { min, max, config: key, env: variable } = S[name];
    const value = raw(name);
    if (value === undefined) return S[name].default;
    // Decimal digits only: Number() would also take "0x10", "1e9" and " 5 ".
    const n = /^\d{1,16}$/.test(value) ? Number(value) : NaN;
    if (!(n >= min && n <= max)) {
      throw objkeyError(
        "settings",
        `Setting ${name} must be a whole number from ${min} to ${max}; got "${value.slice(0, 40)}". Fix stack config ${key} or environment variable ${variable}.`,
      );
    }
    return n;
  };

  // A pasted token often ends with a newline; anything else outside visible ASCII cannot go in an
  // HTTP header, and axios would silently strip it and send another token.
  const token = raw("token")?.trim();
  if (token && !/^[\x21-\x7e]+$/.test(token)) {
    throw objkeyError(
      "settings",
      "The Linode API token contains spaces, control or non-ASCII characters; copy it again. Set it with linode:token or LINODE_TOKEN.",
    );
  }
  if (!token) {
    throw objkeyError(
      "settings",
      "No Linode API token: set it with `pulumi config set --secret linode:token <token>` " +
        "or the environment variable LINODE_TOKEN. It needs the object_storage:read_write scope.",
    );
  }
  const root = checkApiRoot(raw("url") ?? S.url.default);
  const apiVersion = (raw("apiVersion") ?? S.apiVersion.default).replace(/^\/+|\/+$/g, "");
  if (!/^[A-Za-z0-9._-]+$/.test(apiVersion)) {
    throw objkeyError(
      "settings",
      `Setting apiVersion must be one path segment such as v4 or v4beta; got "${apiVersion.slice(0, 40)}". Fix stack config ${S.apiVersion.config} or environment variable ${S.apiVersion.env}.`,
    );
  }
  const minRetryDelayMs = int("minRetryDelayMs");
  const maxRetryDelayMs = int("maxRetryDelayMs");
  if (maxRetryDelayMs < minRetryDelayMs) {
    throw objkeyError("settings", `Setting maxRetryDelayMs (${maxRetryDelayMs}) must not be below minRetryDelayMs (${minRetryDelayMs}).`);
  }
  return { token, baseUrl: `${root}/${apiVersion}`, maxRetries: int("maxRetries"), minRetryDelayMs, maxRetryDelayMs, timeoutMs: int("timeoutMs") };
}
