/**
 * The one error model of this package: a plain `Error` tagged with `name: "ObjectStorageKeyError"`
 * and a `kind`, so a caller can tell a bad setting from an API refusal, a network failure or an
 * ambiguous create with one guard, {@link isObjectStorageKeyError}.
 *
 * Not a subclass: Pulumi's closure serializer rewrites `super(message)` into
 * `Error.call(this, message)`, which sets nothing, so a subclass loses its message once the
 * provider is serialized. Messages say what went wrong and what to do, and never carry the token
 * or a secret key: they end up in Pulumi's output and logs.
 *
 * @packageDocumentation
 */

/** What kind of failure an {@link ObjectStorageKeyError} is. */
export type ObjectStorageKeyErrorKind =
  /** Linode answered with an error status (`status`, `reasons`). */
  | "api"
  /** No usable answer: refused or reset connections, timeouts, after the retries allowed. */
  | "network"
  /** The TLS handshake failed (an intercepting proxy, https:// to a plain-HTTP port): nothing was sent. */
  | "tls"
  /** The configured URL does not serve the keys API (a 404 for the endpoint itself). */
  | "endpoint"
  /** An answer this provider cannot read (wrong shape, another key's body, too large). */
  | "decode"
  /** A bad setting (token, url, apiVersion, retry knobs) or a bad id. */
  | "settings"
  /** A create failed in a way that does not tell whether Linode made the key. */
  | "ambiguous-create"
  /** With `wait_until_usable`, the new key's S3 endpoints still refused it when the wait ran out (the key is kept in state). */
  | "unusable"
  /** An unexpected exception inside the HTTP library, before any answer. */
  | "internal";

/** One `{reason, field}` entry of Linode's error body. */
export interface ApiErrorReason {
  /** What went wrong, in Linode's words. */
  readonly reason: string;
  /** The request field it concerns, when the API names one. */
  readonly field?: string | null;
}

/** Every error this package throws. */
export interface ObjectStorageKeyError extends Error {
  /** Always `"ObjectStorageKeyError"`. */
  readonly name: "ObjectStorageKeyError";
  /** What kind of failure it is. */
  readonly kind: ObjectStorageKeyErrorKind;
  /** HTTP status, for `api` errors. */
  readonly status?: number;
  /** Linode's reasons, for `api` errors (empty when the body was not Linode's JSON). */
  readonly reasons?: readonly ApiErrorReason[];
}

/** The Linode API answered a request with an error status. */
export interface LinodeApiError extends ObjectStorageKeyError {
  /** Always `"api"`. */
  readonly kind: "api";
  /** HTTP status, e.g. 400. */
  readonly status: number;
  /** The reasons from Linode's error body (empty when the body was not Linode's JSON). */
  readonly reasons: readonly ApiErrorReason[];
}

/** Builds an error of `kind`; `extra` adds the kind's own fields. */
export function objkeyError<E extends object = object>(kind: ObjectStorageKeyErrorKind, message: string, extra?: E): ObjectStorageKeyError & E {
  return Object.assign(new Error(message), { name: "ObjectStorageKeyError" as const, kind }, extra) as ObjectStorageKeyError & E;
}

/** True for any error this package made; with `kind`, only for that kind. */
export function isObjectStorageKeyError(err: unknown, kind?: ObjectStorageKeyErrorKind): err is ObjectStorageKeyError {
  return err instanceof Error && err.name === "ObjectStorageKeyError" && (kind === undefined || (err as ObjectStorageKeyError).kind === kind);
}

/** True for an error made by {@link linodeApiError}. */
export function isLinodeApiError(err: unknown): err is LinodeApiError {
  return isObjectStorageKeyError(err, "api");
}

/** Linode's reasons as one line: `[field] reason; reason`. */
export function formatReasons(reasons: readonly ApiErrorReason[]): string {
  return reasons.map((r) => (r.field ? `[${r.field}] ${r.reason}` : r.reason)).join("; ");
}

/** Builds the error for an API error status on `operation` (e.g. `GET /object-storage/keys/1`). */
export function linodeApiError(operation: string, status: number, reasons: readonly ApiErrorReason[], hint?: string): LinodeApiError {
  const detail = reasons.length ? formatReasons(reasons) : "no error details in the response";
  const message = `Linode API error on ${operation}: HTTP ${status}: ${detail.replace(/\.$/, "")}${hint ? `. ${hint}` : ""}`;
  return objkeyError("api", message, { status, reasons }) as LinodeApiError;
}

/**
 * The advice for settings that may be stale: `refresh` and `destroy` configure the provider from
 * the stack config recorded at the last `pulumi up`, which also wins over the environment.
 */
export const STALE_SETTINGS_HINT =
  "pulumi refresh and pulumi destroy use the provider settings recorded at the last pulumi up; after changing linode:token, linode:url or linode:apiVersion, " +
  "run them with --run-program (pulumi refresh --run-program, pulumi destroy --run-program) so they use the current ones";
