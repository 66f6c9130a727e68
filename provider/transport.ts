/**
 * One request to the Linode API with the retry rule: attempts (http-attempt.ts) judged by the
 * retry policy (retry-policy.ts), Linode error bodies turned into one clear error, and io-ts
 * decoding. It knows nothing of keys: `client.ts` holds the endpoints.
 *
 * @packageDocumentation
 */
import type { AxiosInstance } from "axios";
import type * as t from "io-ts";
import { describeDecodeErrors } from "./codecs";
import { STALE_SETTINGS_HINT, formatReasons, linodeApiError, objkeyError } from "./errors";
import { MAX_BODY_BYTES, Outcome, attempt, httpClient } from "./http-attempt";
import { ambiguousOutcome, backoffMs, classify, reasonsOf, sleep } from "./retry-policy";
import type { LinodeSettings } from "./settings";

/** What a request may get back instead of its decoded body. */
export interface SendOptions {
  /** JSON body. */
  body?: unknown;
  /** Query parameters. */
  query?: Record<string, number>;
  /** Hand a 404 back as `{ status: 404 }` instead of failing (the caller decides what it means). */
  allow404?: boolean;
}

/** One request with the retry rule: the decoded body, or `{ status: 404 }` when allowed. */
export type Send = <A>(
  method: "GET" | "POST" | "PUT" | "DELETE",
  path: string,
  decoder: t.Decoder<unknown, A>,
  opts?: SendOptions,
) => Promise<A | { status: 404 }>;

/** The transport for one call's settings. */
export interface Transport {
  /** See {@link Send}. */
  send: Send;
  /** The settings it was built with. */
  settings: LinodeSettings;
}

/** True when `sent` is the 404 a request with `allow404` handed back. */
export function isNotFound(sent: unknown): sent is { status: 404 } {
  return typeof sent === "object" && sent !== null && Object.keys(sent).length === 1 && (sent as { status?: unknown }).status === 404;
}

/** An outcome in words, for error messages. (Not `describe`: the closure serializer would take mocha's global for it.) */
function describeOutcome(outcome: Outcome, timeoutMs: number): string {
  switch (outcome.kind) {
    case "network":
      return outcome.code === "ETIMEDOUT" ? `no complete answer within ${timeoutMs} ms (ETIMEDOUT)` : `connection error ${outcome.code}`;
    case "tls":
      return `TLS handshake failed (${outcome.code})`;
    case "too-large":
      return `an answer larger than ${MAX_BODY_BYTES} bytes`;
    case "internal":
      return `an unexpected error in the HTTP client (${outcome.detail})`;
  }
  const reasons = reasonsOf(outcome.body);
  if (reasons.length) return `HTTP ${outcome.status}: ${formatReasons(reasons)}`;
  const type = outcome.headers["content-type"] ?? "no content type";
  return `HTTP ${outcome.status} with a non-JSON body (${type}, ${outcome.text.length} bytes)`;
}

/** The error for a request that failed: what happened and what to do. */
function failure(settings: LinodeSettings, operation: string, outcome: Outcome, attempts: number): Error {
  const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
  const where = `${settings.baseUrl}`;
  switch (outcome.kind) {
    case "tls":
      return objkeyError(
        "tls",
        `Linode API request ${operation} failed: ${describeOutcome(outcome, settings.timeoutMs)} with ${where}; nothing was sent. ` +
          "A proxy may be intercepting HTTPS, or linode:url names https:// for a plain-HTTP server. Fix the network path or linode:url / LINODE_URL.",
      );
    case "too-large":
      return objkeyError(
        "decode",
        `Linode API answered ${operation} with ${describeOutcome(outcome, settings.timeoutMs)}; it was not read. Check that linode:url / LINODE_URL points at the Linode API.`,
      );
    case "internal":
      return objkeyError(
        "internal",
        `Linode API request ${operation} failed with ${describeOutcome(outcome, settings.timeoutMs)}. Report it with this message.`,
      );
    case "network":
      return objkeyError(
        "network",
        `Linode API request ${operation} failed${tries}: ${describeOutcome(outcome, settings.timeoutMs)}. Check that ${where} is reachable; ` +
          "raise linode-objkey:timeoutMs / LINODE_TIMEOUT_MS or linode-objkey:maxRetries / LINODE_MAX_RETRIES if the API is slow.",
      );
  }
  const { status } = outcome;
  let hint: string | undefined;
  if (status === 401 || status === 403) {
    hint = `The token is wrong, expired, or lacks the object_storage scope (read_write to change keys); set linode:token or LINODE_TOKEN. ${STALE_SETTINGS_HINT}`;
  } else if (status === 503 && outcome.headers["x-maintenance-mode"] !== undefined) {
    hint = "The Linode API is in maintenance mode; run the command again when it is over";
  } else if (status === 429) {
    hint = `Still rate limited${tries}; run again later, or raise linode-objkey:maxRetries / LINODE_MAX_RETRIES`;
  } else if (status >= 500) {
    hint = `The Linode API failed${tries}; run again later`;
  }
  // A body that is not Linode's JSON (e.g. a proxy's HTML page) is described instead.
  const reasons = reasonsOf(outcome.body);
  return linodeApiError(
    operation,
    status,
    reasons.length ? reasons : [{ reason: describeOutcome(outcome, settings.timeoutMs).replace(/^HTTP \d+ /, "") }],
    hint,
  );
}

/** One request with the retry rule, over `api` with `settings`. */
async function send<A>(
  api: AxiosInstance,
  settings: LinodeSettings,
  method: "GET" | "POST" | "PUT" | "DELETE",
  path: string,
  decoder: t.Decoder<unknown, A>,
  opts: SendOptions = {},
): Promise<A | { status: 404 }> {
  const operation = `${method} ${path}`;
  const bounds = { min: settings.minRetryDelayMs, max: settings.maxRetryDelayMs };
  for (let attemptNo = 0; ; attemptNo++) {
    const outcome = await attempt(api, settings, method, path, opts.body, opts.query);
    if (outcome.kind === "response" && outcome.status === 404 && opts.allow404) return { status: 404 as const };
    const verdict = classify(method, outcome, bounds);
    if (verdict.action === "ambiguous") throw ambiguousOutcome(describeOutcome(outcome, settings.timeoutMs), verdict);
    if (verdict.action === "fail") throw failure(settings, operation, outcome, attemptNo + 1);
    if (verdict.action === "retry") {
      if (attemptNo >= settings.maxRetries) throw failure(settings, operation, outcome, attemptNo + 1);
      await sleep(verdict.waitMs ?? backoffMs(attemptNo, settings.minRetryDelayMs, settings.maxRetryDelayMs));
      continue;
    }
    const body = outcome.kind === "response" ? outcome.body : undefined;
    const decoded = decoder.decode(body);
    if (decoded._tag === "Right") return decoded.right;
    const why = describeDecodeErrors(decoded.left);
    if (method === "POST") {
      // The id goes into the message for the user; the create recovery finds the key by listing.
      const id: unknown = typeof body === "object" && body !== null ? Reflect.get(body, "id") : undefined;
      const named = typeof id === "number" && Number.isSafeInteger(id) && id > 0 ? `; it names key id ${id}` : "";
      throw ambiguousOutcome(`HTTP 200 with a body this provider cannot read (${why})${named}`, { mayStillRun: false });
    }
    throw objkeyError(
      "decode",
      `Linode API answered ${operation} with a body this provider cannot read (${why}). The API may have changed; report it with this message.`,
    );
  }
}

/** Builds the transport for one call's settings. */
export function createTransport(settings: LinodeSettings): Transport {
  const api = httpClient(settings);
  return { send: (method, path, decoder, opts) => send(api, settings, method, path, decoder, opts), settings };
}
