/**
 * The shape of the emulator's answers: headers the live API sends and JSON error bodies.
 */
import type { ErrorItem } from "./store";

/** An answer ready to write: status, headers (without Content-Length) and body text. */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Headers the live API sends on every answer, authorized or not. */
export const COMMON_HEADERS: Record<string, string> = {
  "Content-Type": "application/json",
  "Cache-Control": "max-age=0, no-cache, no-store",
  Vary: "Authorization, X-Filter",
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers": "Authorization, Origin, X-Requested-With, Content-Type, Accept, X-Filter",
  "Access-Control-Allow-Methods": "HEAD, GET, OPTIONS, POST, PUT, DELETE",
};

/** What the live API sends on keys calls once the token is accepted. */
export function apiHeaders(method: string): Record<string, string> {
  const read = method === "GET";
  return {
    ...COMMON_HEADERS,
    "X-Accepted-OAuth-Scopes": read ? "object_storage:read_only" : "object_storage:read_write",
    "X-OAuth-Scopes": "*",
    "X-RateLimit-Limit": read ? "1840" : "60",
  };
}

/** A JSON answer. */
export function json(status: number, value: unknown, headers: Record<string, string> = COMMON_HEADERS): Reply {
  return { status, headers, body: JSON.stringify(value) };
}

/** A Linode error answer: `{"errors": [...]}`. */
export function errorReply(status: number, errors: ErrorItem[], headers?: Record<string, string>): Reply {
  return json(status, { errors }, headers);
}

/**
 * The reason of every 429 the emulator sends (the write window and injected rate limits).
 * Undocumented: assumed. No live 429 body is recorded; the spec only describes the status
 * ("You've hit a rate limit."), and clients act on the status and `Retry-After`, not this text.
 */
export const RATE_LIMITED: ErrorItem[] = [{ reason: "Too Many Requests" }];

/** Epoch seconds, rounded up, as `X-RateLimit-Reset` carries them. */
export const epochSeconds = (ms: number): number => Math.ceil(ms / 1000);
