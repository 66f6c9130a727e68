/**
 * Where the provider finds its token, API root and retry knobs: stack config first, then the
 * environment, then the defaults. Resolved each time a call runs, never captured, so nothing of
 * it reaches the serialized provider in state.
 *
 * @packageDocumentation
 */

/** A source of stack config values, keyed `namespace:name` (e.g. `linode:token`). */
export interface ConfigSource {
  /** The value of one config key, or `undefined` when it is not set. */
  get(key: string): string | undefined;
}

/** Settings a caller may pass explicitly; each one wins over stack config and the environment. */
export interface LinodeSettingsOverrides {
  /** A Linode personal access token with the `object_storage:read_write` scope (read_only for reads). */
  token?: string;
  /** API root without the version, default `https://api.linode.com`. */
  url?: string;
  /** API version path segment, default `v4` (`v4beta` also works). */
  apiVersion?: string;
  /** How many times one request is retried after a retryable failure, default 8. */
  maxRetries?: number;
  /** Shortest wait between retries in milliseconds, default 500. */
  minRetryDelayMs?: number;
  /** Longest wait between retries in milliseconds (also caps `Retry-After`), default 60000. */
  maxRetryDelayMs?: number;
  /** Time allowed for one HTTP request in milliseconds, default 30000. */
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

/**
 * Stack config keys and environment variables, with defaults, for every setting. A function, not
 * a module constant, so the serialized provider does not carry a copy.
 */
export function settingSources() {
  return {
    token: { config: "linode:token", env: "LINODE_TOKEN" },
    url: { config: "linode:url", env: "LINODE_URL", default: "https://api.linode.com" },
    apiVersion: { config: "linode:apiVersion", env: "LINODE_API_VERSION", default: "v4" },
    maxRetries: { config: "linode:maxRetries", env: "LINODE_MAX_RETRIES", default: 8 },
    minRetryDelayMs: { config: "linode:minRetryDelayMs", env: "LINODE_MIN_RETRY_DELAY_MS", default: 500 },
    maxRetryDelayMs: { config: "linode:maxRetryDelayMs", env: "LINODE_MAX_RETRY_DELAY_MS", default: 60000 },
    timeoutMs: { config: "linode:timeoutMs", env: "LINODE_TIMEOUT_MS", default: 30000 },
  } as const;
}

/**
 * Resolves settings: explicit overrides, then stack config, then the environment, then defaults.
 * Throws an error naming both ways to set the token when none is found.
 */
export function resolveSettings(
  config: ConfigSource | undefined,
  env: Record<string, string | undefined> = process.env,
  overrides: LinodeSettingsOverrides = {},
): LinodeSettings {
  const S = settingSources();
  const raw = (name: keyof typeof S): string | undefined => {
    const given = overrides[name];
    if (given !== undefined) return String(given);
    const fromConfig = config?.get(S[name].config);
    if (fromConfig !== undefined && fromConfig !== "") return fromConfig;
    const fromEnv = env[S[name].env];
    return fromEnv === undefined || fromEnv === "" ? undefined : fromEnv;
  };
  const int = (name: "maxRetries" | "minRetryDelayMs" | "maxRetryDelayMs" | "timeoutMs", min: number): number => {
    const value = raw(name);
    if (value === undefined) return S[name].default;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) {
      throw new Error(
        `Setting ${name} must be an integer of at least ${min}; got "${value}". ` +
          `Fix stack config ${S[name].config} or environment variable ${S[name].env}.`,
      );
    }
    return n;
  };

  const token = raw("token");
  if (!token) {
    throw new Error(
      "No Linode API token: set it with `pulumi config set --secret linode:token <token>` " +
        "or the environment variable LINODE_TOKEN. It needs the object_storage:read_write scope.",
    );
  }
  const url = (raw("url") ?? S.url.default).replace(/\/+$/, "");
  if (/^https?:\/\/[^/]*@/.test(url)) {
    // Never echo it: the part before @ is a credential.
    throw new Error("Setting url must not carry credentials (user:password@); give the token with linode:token or LINODE_TOKEN.");
  }
  if (!/^https?:\/\/[^\s/]+/.test(url)) {
    throw new Error(`Setting url must be an http(s) URL such as https://api.linode.com; got "${url}". Fix linode:url or LINODE_URL.`);
  }
  const apiVersion = (raw("apiVersion") ?? S.apiVersion.default).replace(/^\/+|\/+$/g, "");
  const minRetryDelayMs = int("minRetryDelayMs", 0);
  const maxRetryDelayMs = int("maxRetryDelayMs", 0);
  if (maxRetryDelayMs < minRetryDelayMs) {
    throw new Error(`Setting maxRetryDelayMs (${maxRetryDelayMs}) must not be below minRetryDelayMs (${minRetryDelayMs}).`);
  }
  return {
    token,
    baseUrl: `${url}/${apiVersion}`,
    maxRetries: int("maxRetries", 0),
    minRetryDelayMs,
    maxRetryDelayMs,
    timeoutMs: int("timeoutMs", 1),
  };
}
