/**
 * One request to the Linode API: bearer auth, an overall deadline, a cap on the answer's size,
 * the retry rule with capped backoff, Linode error bodies turned into one clear error, and io-ts
 * decoding. It knows nothing of keys: `client.ts` holds the endpoints.
 *
 * Everything is built when a call runs (axios instance, HTTP agents): a dynamic provider is
 * serialized into state, and an axios instance cannot be serialized.
 *
 * @packageDocumentation
 */
import * as http from "node:http";
import * as https from "node:https";
import axios from "axios";
import type * as t from "io-ts";
import { codecs, describeDecodeErrors } from "./codecs";
import { ApiErrorReason, STALE_SETTINGS_HINT, formatReasons, linodeApiError, objkeyError } from "./errors";
import type { LinodeSettings } from "./settings";

/** The User-Agent sent with every request: this package's name and version. */
export const USER_AGENT = "pulumi-linode-objkey/0.1.0";

/** The largest answer read, in bytes: a full page of 500 keys is well under 4 MiB. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** What one HTTP attempt came to. */
export type Outcome =
  | { kind: "response"; status: number; headers: Record<string, string>; body: unknown; text: string }
  /** No answer: `code` is Node's (ECONNRESET, ECONNREFUSED, ...) or ETIMEDOUT for the deadline. */
  | { kind: "network"; code: string }
  /** The TLS handshake failed, so no byte of the request was sent. */
  | { kind: "tls"; code: string }
  /** The answer exceeded {@link MAX_BODY_BYTES}. */
  | { kind: "too-large" }
  /** An exception inside the HTTP library that is no network error. */
  | { kind: "internal"; detail: string };

/** What to do after an attempt. */
export type Verdict =
  | { action: "done" }
  | { action: "retry"; waitMs?: number }
  | { action: "fail" }
  /**
   * A POST that may have acted. `mayStillRun`: the request may still be running on Linode's
   * side. `retryable`: the answer (408, 503) says the API most likely did not act, so the POST
   * may be sent again once no new key is found.
   */
  | { action: "ambiguous"; mayStillRun: boolean; retryable: boolean };

/** Connection errors that prove the request never reached the server. */
const NEVER_SENT = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"];

/** Node's codes for a failed TLS handshake (certificate, protocol). */
export function isTlsCode(code: string): boolean {
  return (
    /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_)/.test(code) ||
    ["EPROTO", "DEPTH_ZERO_SELF_SIGNED_CERT", "SELF_SIGNED_CERT_IN_CHAIN", "HOSTNAME_MISMATCH", "INVALID_CA"].includes(code)
  );
}

/**
 * The retry rule. 429, "Linode busy." and connections that never opened mean the API did not
 * act, so any method may retry. 408 and 503 without `X-Maintenance-Mode` most likely did not act
 * either, but a proxy timing out sends them too: GET, PUT and DELETE retry, a POST is ambiguous
 * but retryable once no new key shows. Other 5xx, resets and timeouts may have acted: GET, PUT
 * and DELETE retry (they are idempotent), a POST is ambiguous. TLS failures, maintenance and
 * other 4xx fail at once.
 */
export function classify(method: string, outcome: Outcome, retryAfterBounds?: { min: number; max: number }): Verdict {
  const idempotent = method !== "POST";
  const mayHaveActed = (mayStillRun: boolean): Verdict => (idempotent ? { action: "retry" } : { action: "ambiguous", mayStillRun, retryable: false });
  switch (outcome.kind) {
    case "tls":
    case "internal":
      return { action: "fail" };
    case "too-large":
      return idempotent ? { action: "fail" } : { action: "ambiguous", mayStillRun: false, retryable: false };
    case "network":
      if (NEVER_SENT.includes(outcome.code)) return { action: "retry" };
      return mayHaveActed(true);
  }
  const { status, headers } = outcome;
  if (status >= 200 && status < 300) return { action: "done" };
  if (status === 429) return { action: "retry", waitMs: retryAfterMs(headers["retry-after"], retryAfterBounds) };
  if (status === 400 && reasonsOf(outcome.body).some((r) => r.reason === "Linode busy.")) return { action: "retry" };
  if (status === 408 || (status === 503 && headers["x-maintenance-mode"] === undefined)) {
    return idempotent ? { action: "retry" } : { action: "ambiguous", mayStillRun: false, retryable: true };
  }
  if (status === 503) return { action: "fail" };
  if (status >= 500) return mayHaveActed(false);
  return { action: "fail" };
}

/** `Retry-After` (integer seconds, or an HTTP date) in milliseconds, clamped; `undefined` when absent or unreadable. */
export function retryAfterMs(header: string | undefined, bounds?: { min: number; max: number }): number | undefined {
  if (header === undefined) return undefined;
  const seconds = /^\s*\d+\s*$/.test(header) ? Number(header) : (Date.parse(header) - Date.now()) / 1000;
  if (!Number.isFinite(seconds)) return undefined;
  const ms = Math.max(0, seconds * 1000);
  return bounds ? Math.min(bounds.max, Math.max(bounds.min, ms)) : ms;
}

/** Exponential backoff from `min`, doubled per attempt and capped at `max`, with jitter in its upper half. */
export function backoffMs(attempt: number, min: number, max: number, random: () => number = Math.random): number {
  const ceiling = Math.min(max, min * 2 ** Math.min(attempt, 40));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function reasonsOf(body: unknown): ApiErrorReason[] {
  const decoded = codecs().ApiErrorBody.decode(body);
  return decoded._tag === "Right" ? decoded.right.errors : [];
}

/**
 * A POST whose outcome does not say whether the API acted. Internal to the client: the create
 * recovery turns it into a public `ambiguous-create` error. Tagged, not subclassed (see errors.ts).
 */
export type AmbiguousOutcome = Error & { name: "AmbiguousOutcome"; mayStillRun: boolean; retryable: boolean };

/** True for an {@link AmbiguousOutcome}. */
export function isAmbiguousOutcome(err: unknown): err is AmbiguousOutcome {
  return err instanceof Error && err.name === "AmbiguousOutcome";
}

function ambiguousOutcome(cause: string, verdict: { mayStillRun: boolean; retryable: boolean }): AmbiguousOutcome {
  return Object.assign(new Error(cause), { name: "AmbiguousOutcome" as const, ...verdict });
}

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

/** Builds the transport for one call's settings. */
export function createTransport(settings: LinodeSettings): Transport {
  const agentOptions = { keepAlive: false };
  const api = axios.create({
    baseURL: settings.baseUrl,
    headers: { Authorization: `Bearer ${settings.token}`, "User-Agent": USER_AGENT, Accept: "application/json" },
    // A reused keep-alive socket that the server closed would look like an ambiguous reset.
    httpAgent: new http.Agent(agentOptions),
    httpsAgent: new https.Agent(agentOptions),
    responseType: "text",
    transformResponse: (data: unknown) => data,
    validateStatus: () => true,
    maxRedirects: 0,
    maxContentLength: MAX_BODY_BYTES,
    maxBodyLength: MAX_BODY_BYTES,
  });

  async function attempt(method: string, path: string, body: unknown, query: Record<string, number> | undefined): Promise<Outcome> {
    // One deadline from sending to the last byte: axios's own timeout stops at the headers, so a
    // body that trickles in would never time out.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), settings.timeoutMs);
    try {
      const res = await api.request<string>({ method, url: path, data: body, params: query, signal: deadline.signal });
      const text = typeof res.data === "string" ? res.data : "";
      let parsed: unknown;
      try {
        parsed = text === "" ? undefined : JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers ?? {})) if (v !== undefined && v !== null) headers[k.toLowerCase()] = String(v);
      return { kind: "response", status: res.status, headers, body: parsed, text };
    } catch (err) {
      // Never rethrow axios errors: they carry the request config, Authorization header included.
      if (deadline.signal.aborted) return { kind: "network", code: "ETIMEDOUT" };
      const code = (err as { code?: unknown }).code;
      const message = err instanceof Error ? err.message : String(err);
      if (code === "ERR_BAD_RESPONSE" && /maxContentLength/.test(message)) return { kind: "too-large" };
      if (typeof code === "string" && isTlsCode(code)) return { kind: "tls", code };
      if (typeof code === "string" && /^E[A-Z]+$/.test(code)) return { kind: "network", code };
      return { kind: "internal", detail: `${typeof code === "string" ? `${code}: ` : ""}${message.split(settings.token).join("[token]").slice(0, 200)}` };
    } finally {
      clearTimeout(timer);
    }
  }

  function describe(outcome: Outcome): string {
    switch (outcome.kind) {
      case "network":
        return outcome.code === "ETIMEDOUT" ? `no complete answer within ${settings.timeoutMs} ms (ETIMEDOUT)` : `connection error ${outcome.code}`;
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

  function failure(operation: string, outcome: Outcome, attempts: number): Error {
    const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
    const where = `${settings.baseUrl}`;
    switch (outcome.kind) {
      case "tls":
        return objkeyError(
          "tls",
          `Linode API request ${operation} failed: ${describe(outcome)} with ${where}; nothing was sent. ` +
            "A proxy may be intercepting HTTPS, or linode:url names https:// for a plain-HTTP server. Fix the network path or linode:url / LINODE_URL.",
        );
      case "too-large":
        return objkeyError(
          "decode",
          `Linode API answered ${operation} with ${describe(outcome)}; it was not read. Check that linode:url / LINODE_URL points at the Linode API.`,
        );
      case "internal":
        return objkeyError("internal", `Linode API request ${operation} failed with ${describe(outcome)}. Report it with this message.`);
      case "network":
        return objkeyError(
          "network",
          `Linode API request ${operation} failed${tries}: ${describe(outcome)}. Check that ${where} is reachable; ` +
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
    return linodeApiError(operation, status, reasons.length ? reasons : [{ reason: describe(outcome).replace(/^HTTP \d+ /, "") }], hint);
  }

  const send: Send = async (method, path, decoder, opts = {}) => {
    const operation = `${method} ${path}`;
    const bounds = { min: settings.minRetryDelayMs, max: settings.maxRetryDelayMs };
    for (let attemptNo = 0; ; attemptNo++) {
      const outcome = await attempt(method, path, opts.body, opts.query);
      if (outcome.kind === "response" && outcome.status === 404 && opts.allow404) return { status: 404 as const };
      const verdict = classify(method, outcome, bounds);
      if (verdict.action === "ambiguous") throw ambiguousOutcome(describe(outcome), verdict);
      if (verdict.action === "fail") throw failure(operation, outcome, attemptNo + 1);
      if (verdict.action === "retry") {
        if (attemptNo >= settings.maxRetries) throw failure(operation, outcome, attemptNo + 1);
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
        throw ambiguousOutcome(`HTTP 200 with a body this provider cannot read (${why})${named}`, { mayStillRun: false, retryable: false });
      }
      throw objkeyError(
        "decode",
        `Linode API answered ${operation} with a body this provider cannot read (${why}). The API may have changed; report it with this message.`,
      );
    }
  };

  return { send, settings };
}
