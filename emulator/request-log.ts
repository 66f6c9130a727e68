/**
 * The log of finished requests that tests read: what each asked and how it ended.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { Exchange } from "./exchange";

/** One request as the emulator saw it. Never holds the Authorization header. */
export interface RecordedRequest {
  /** Arrival order, from 1. */
  seq: number;
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON, the raw text when it is not JSON, or undefined when empty. */
  body: unknown;
  /** HTTP status sent, `"reset"` when the emulator reset the connection, `"timeout"` when the client left first. */
  status: number | "reset" | "timeout";
  /** Whether the request carried an accepted bearer token. */
  authorized: boolean;
  /** Which accepted token it carried: its index in the emulator's `tokens` (-1 for none), never the token itself. */
  tokenIndex: number;
  /** Request headers (lower-case names) minus `authorization`. */
  headers: Record<string, string>;
  /** Epoch ms when the request arrived. */
  startedAt: number;
  /** Epoch ms when it was answered, reset or abandoned. */
  endedAt: number;
}

/** Request headers as logged: the token left out, repeated headers joined. */
function loggedHeaders(raw: IncomingHttpHeaders): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (k !== "authorization" && v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
  return headers;
}

/** Finished requests in arrival order. */
export class RequestLog {
  /** The log itself; the same array for the emulator's lifetime, so callers may keep it. */
  readonly requests: RecordedRequest[] = [];

  /** Logs a finished exchange with how it ended. */
  record(ex: Exchange, status: RecordedRequest["status"]): void {
    const { seq, method, path, query, body, authorized, tokenIndex, startedAt } = ex;
    const headers = loggedHeaders(ex.req.headers);
    const rec: RecordedRequest = { seq, method, path, query, body, status, authorized, tokenIndex, headers, startedAt, endedAt: Date.now() };
    // Keep arrival order even when a delayed request finishes after a later one.
    const at = this.requests.findIndex((r) => r.seq > seq);
    if (at < 0) this.requests.push(rec);
    else this.requests.splice(at, 0, rec);
  }

  /** Empties the log in place. */
  clear(): void {
    this.requests.splice(0);
  }
}
