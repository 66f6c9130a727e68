/**
 * The retry policy, as pure functions: what an attempt's {@link Outcome} means (done, retry and
 * how long to wait, fail, or a POST that may have acted), and the backoff between attempts.
 *
 * @packageDocumentation
 */
import { codecs } from "./codecs";
import type { ApiErrorReason } from "./errors";
import type { Outcome } from "./http-attempt";

/** What to do after an attempt. */
export type Verdict =
  | { action: "done" }
  | { action: "retry"; waitMs?: number }
  | { action: "fail" }
  /**
   * A POST that may have acted: the create recovery settles it (create-recovery.ts).
   * `mayStillRun`: the request may still be running on Linode's side.
   */
  | { action: "ambiguous"; mayStillRun: boolean };

/** Connection errors that prove the request never reached the server. */
const NEVER_SENT = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"];

/**
 * The retry rule. 429, "Linode busy." and connections that never opened mean the API did not
 * act, so any method may retry. 408 and 503 without `X-Maintenance-Mode` most likely did not act
 * either, but a proxy timing out sends them too: GET, PUT and DELETE retry, a POST is ambiguous.
 * Other 5xx, resets and timeouts may have acted: GET, PUT
 * and DELETE retry (they are idempotent), a POST is ambiguous. TLS failures, maintenance and
 * other 4xx fail at once.
 */
export function classify(method: string, outcome: Outcome, retryAfterBounds?: { min: number; max: number }): Verdict {
  const idempotent = method !== "POST";
  const mayHaveActed = (mayStillRun: boolean): Verdict => (idempotent ? { action: "retry" } : { action: "ambiguous", mayStillRun });
  switch (outcome.kind) {
    case "tls":
    case "internal":
      return { action: "fail" };
    case "too-large":
      return idempotent ? { action: "fail" } : { action: "ambiguous", mayStillRun: false };
    case "network":
      if (NEVER_SENT.includes(outcome.code)) return { action: "retry" };
      return mayHaveActed(true);
  }
  const { status, headers } = outcome;
  if (status >= 200 && status < 300) return { action: "done" };
  if (status === 429) return { action: "retry", waitMs: retryAfterMs(headers["retry-after"], retryAfterBounds) };
  if (status === 400 && reasonsOf(outcome.body).some((r) => r.reason === "Linode busy.")) return { action: "retry" };
  if (status === 408 || (status === 503 && headers["x-maintenance-mode"] === undefined)) {
    return idempotent ? { action: "retry" } : { action: "ambiguous", mayStillRun: false };
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

/** Linode's `{reason, field}` entries of an error body; empty when the body is not Linode's JSON. */
export function reasonsOf(body: unknown): ApiErrorReason[] {
  const decoded = codecs().ApiErrorBody.decode(body);
  return decoded._tag === "Right" ? decoded.right.errors : [];
}

/**
 * A POST whose outcome does not say whether the API acted. Internal to the client: the create
 * recovery turns it into a public `ambiguous-create` error. Tagged, not subclassed (see errors.ts).
 */
export type AmbiguousOutcome = Error & { name: "AmbiguousOutcome"; mayStillRun: boolean };

/** True for an {@link AmbiguousOutcome}. */
export function isAmbiguousOutcome(err: unknown): err is AmbiguousOutcome {
  return err instanceof Error && err.name === "AmbiguousOutcome";
}

export function ambiguousOutcome(cause: string, verdict: { mayStillRun: boolean }): AmbiguousOutcome {
  return Object.assign(new Error(cause), { name: "AmbiguousOutcome" as const, ...verdict });
}
