/**
 * The optional fixed-window limit on writes (POST/PUT/DELETE), answered with 429 like the live API.
 * The `X-RateLimit-*` headers and the 60-writes limit are recorded live. Undocumented: assumed: a
 * fixed window, `Retry-After` as the seconds left in it, and one window shared by POST, PUT and
 * DELETE (live answers show each with a limit of 60, not whether they share it; sharing is the
 * slower case for a create, which sends a POST and a PUT).
 */
import { COMMON_HEADERS, RATE_LIMITED, Reply, epochSeconds, errorReply } from "./replies";

/** At most `limit` writes per `windowMs` milliseconds. */
export interface WriteLimit {
  limit: number;
  windowMs: number;
}

/** The verdict on one write: `reply` (a 429) when refused; the rate-limit headers to send either way. */
export interface WriteGate {
  reply?: Reply;
  headers: Record<string, string>;
}

/** Counts writes in the current window; without a limit every write passes with no extra headers. */
export class WriteWindow {
  /** `rateLimited` counts the 429s sent. */
  readonly stats = { rateLimited: 0 };
  private window = { start: -Infinity, count: 0 };

  constructor(private readonly limit?: WriteLimit) {}

  /** Admits or refuses a write arriving at `now` (epoch ms). */
  gate(now: number): WriteGate {
    const limit = this.limit;
    if (!limit) return { headers: {} };
    if (now >= this.window.start + limit.windowMs) this.window = { start: now, count: 0 };
    const end = this.window.start + limit.windowMs;
    const over = this.window.count >= limit.limit;
    if (!over) this.window.count++;
    const headers = {
      "X-RateLimit-Limit": String(limit.limit),
      "X-RateLimit-Remaining": String(limit.limit - this.window.count),
      "X-RateLimit-Reset": String(epochSeconds(end)),
    };
    if (!over) return { headers };
    this.stats.rateLimited++;
    const retryAfter = String(Math.max(1, Math.ceil((end - now) / 1000)));
    return { headers, reply: errorReply(429, RATE_LIMITED, { ...COMMON_HEADERS, ...headers, "Retry-After": retryAfter }) };
  }

  /** Forgets the current window and the count of 429s. */
  reset(): void {
    this.stats.rateLimited = 0;
    this.window = { start: -Infinity, count: 0 };
  }
}
