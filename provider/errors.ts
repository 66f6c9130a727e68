/**
 * Errors the provider throws. Messages say what went wrong and what to do, and never carry the
 * token or a secret key: they end up in Pulumi's output and logs.
 *
 * They are plain `Error` objects tagged by `name`, not subclasses: Pulumi's closure serializer
 * rewrites `super(message)` into `Error.call(this, message)`, which sets nothing, so a subclass
 * loses its message once the provider is serialized. Test them with the `is…` guards, not
 * `instanceof`.
 *
 * @packageDocumentation
 */

/** One `{reason, field}` entry of Linode's error body. */
export interface ApiErrorReason {
  /** What went wrong, in Linode's words. */
  readonly reason: string;
  /** The request field it concerns, when the API names one. */
  readonly field?: string | null;
}

/** The Linode API answered a request with an error status. */
export interface LinodeApiError extends Error {
  /** Always `"LinodeApiError"`. */
  readonly name: "LinodeApiError";
  /** HTTP status, e.g. 400. */
  readonly status: number;
  /** The reasons from Linode's error body (empty when the body was not Linode's JSON). */
  readonly reasons: readonly ApiErrorReason[];
}

/**
 * A create request failed in a way that does not tell whether Linode made the key (a 5xx, a
 * reset or a timeout after the request was sent, or a 200 that did not decode). The request was
 * not repeated, so at most one key exists; `candidateIds` lists the keys that carry the label.
 */
export interface AmbiguousCreateError extends Error {
  /** Always `"AmbiguousCreateError"`. */
  readonly name: "AmbiguousCreateError";
  /** Ids of keys with the requested label found after the failure (empty if none or unknown). */
  readonly candidateIds: readonly number[];
}

/** True for an error made by {@link linodeApiError}. */
export function isLinodeApiError(err: unknown): err is LinodeApiError {
  return err instanceof Error && err.name === "LinodeApiError";
}

/** True for an error made by {@link ambiguousCreateError}. */
export function isAmbiguousCreateError(err: unknown): err is AmbiguousCreateError {
  return err instanceof Error && err.name === "AmbiguousCreateError";
}

/** Linode's reasons as one line: `[field] reason; reason`. */
export function formatReasons(reasons: readonly ApiErrorReason[]): string {
  return reasons.map((r) => (r.field ? `[${r.field}] ${r.reason}` : r.reason)).join("; ");
}

/** Builds the error for an API error status on `operation` (e.g. `GET /object-storage/keys/1`). */
export function linodeApiError(operation: string, status: number, reasons: readonly ApiErrorReason[], hint?: string): LinodeApiError {
  const detail = reasons.length ? formatReasons(reasons) : "no error details in the response";
  const err = new Error(`Linode API error on ${operation}: HTTP ${status}: ${detail.replace(/\.$/, "")}${hint ? `. ${hint}` : ""}`);
  return Object.assign(err, { name: "LinodeApiError" as const, status, reasons });
}

/** Builds the error for an ambiguous create of a key labelled `label`. */
export function ambiguousCreateError(label: string, cause: string, candidateIds: readonly number[] | undefined, listFailure?: string): AmbiguousCreateError {
  const found =
    candidateIds === undefined
      ? `Listing keys to look for it failed too (${listFailure}), so check the keys labelled "${label}" yourself`
      : candidateIds.length === 0
        ? `No key labelled "${label}" appeared, so it was most likely not created`
        : `Keys labelled "${label}" now: ${candidateIds.join(", ")}`;
  const err = new Error(
    `Creating Object Storage key "${label}" failed ambiguously (${cause}): Linode may have created the key anyway, ` +
      `and its secret cannot be read back. The request was not repeated, to avoid a duplicate key. ${found}. ` +
      `If a key with this label appears that Pulumi does not track, revoke it (linode-cli object-storage keys-delete <id>, or the Cloud Manager); then run pulumi up again.`,
  );
  return Object.assign(err, { name: "AmbiguousCreateError" as const, candidateIds: candidateIds ?? [] });
}
