/**
 * Error types the provider throws. Messages say what went wrong and what to do, and never carry
 * the token or a secret key: they end up in Pulumi's output and logs.
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
export class LinodeApiError extends Error {
  /** HTTP status, e.g. 400. */
  readonly status: number;
  /** The reasons from Linode's error body (empty when the body was not Linode's JSON). */
  readonly reasons: readonly ApiErrorReason[];

  constructor(operation: string, status: number, reasons: readonly ApiErrorReason[], hint?: string) {
    const detail = reasons.length
      ? reasons.map((r) => (r.field ? `[${r.field}] ${r.reason}` : r.reason)).join("; ")
      : "no error details in the response";
    super(`Linode API error on ${operation}: HTTP ${status}: ${detail}${hint ? `. ${hint}` : ""}`);
    this.name = "LinodeApiError";
    this.status = status;
    this.reasons = reasons;
  }
}

/**
 * A create request failed in a way that does not tell whether Linode made the key (a 5xx, a
 * reset or a timeout after the request was sent, or a 200 that did not decode). The request was
 * not repeated, so at most one key exists; `candidateIds` lists the keys that carry the label.
 */
export class AmbiguousCreateError extends Error {
  /** Ids of keys with the requested label found after the failure (may be empty). */
  readonly candidateIds: readonly number[];

  constructor(label: string, cause: string, candidateIds: readonly number[] | undefined, listFailure?: string) {
    const found =
      candidateIds === undefined
        ? `Listing keys to look for it failed too (${listFailure}), so check the keys labelled "${label}" yourself`
        : candidateIds.length === 0
          ? `No key labelled "${label}" exists now, so it was most likely not created`
          : `Keys labelled "${label}" now: ${candidateIds.join(", ")}`;
    super(
      `Creating Object Storage key "${label}" failed ambiguously (${cause}): Linode may have created the key anyway, ` +
        `and its secret cannot be read back. The request was not repeated, to avoid a duplicate key. ${found}. ` +
        `Revoke any such key that Pulumi does not track (linode-cli object-storage keys-delete <id>, or the Cloud Manager), then run pulumi up again.`,
    );
    this.name = "AmbiguousCreateError";
    this.candidateIds = candidateIds ?? [];
  }
}
