/**
 * Fault injection: what can go wrong on the wire, and which request it hits.
 */

/** Which requests a fault applies to, and how many times. */
export interface FaultMatch {
  /** HTTP method (any case); any method when omitted. */
  method?: string;
  /**
   * A string is a prefix of the path, with or without the `/v4` or `/v4beta`
   * prefix (`/object-storage/keys` matches both); a RegExp is tested against the
   * full path. Any path when omitted. The query string is never part of the path.
   */
  path?: string | RegExp;
  /** How many matching requests to hit; default 1, `Infinity` allowed. */
  times?: number;
}

/** A fault to inject; the first matching fault (in injection order) wins. */
export type Fault = FaultMatch &
  (
    | {
        /** Answer with this status without acting. A string body is sent as text/html. */
        kind: "status";
        status: number;
        headers?: Record<string, string>;
        body?: unknown;
      }
    | {
        /** 429 with X-RateLimit-* and `Retry-After` seconds (default 1; `null` omits the header). */
        kind: "rate-limit";
        retryAfter?: number | null;
      }
    | { /** 503 with `X-Maintenance-Mode: true`. */ kind: "maintenance" }
    | { /** Reset the connection before acting. */ kind: "reset-before" }
    | { /** Act, then reset the connection without answering. */ kind: "reset-after" }
    | { /** Act, then answer after `ms` milliseconds. */ kind: "delay"; ms: number }
    | {
        /** Act only after `ms` milliseconds, even if the client gave up meanwhile, then answer if it still listens. */
        kind: "act-late";
        ms: number;
      }
    | {
        /** Create the key, then answer 500 "Unable to create keys at this time" (only hits POST …/keys). */
        kind: "error-after-create";
        status?: number;
      }
  );

interface Armed {
  fault: Fault;
  left: number;
}

/** Strips the API version prefix: `/v4beta/object-storage/keys` → `/object-storage/keys`. */
export function unversioned(path: string): string {
  return path.replace(/^\/v4(?:beta)?(?=\/|$)/, "");
}

function matches(f: Fault, method: string, path: string): boolean {
  if (f.method && f.method.toUpperCase() !== method) return false;
  if (f.kind === "error-after-create" && (method !== "POST" || unversioned(path) !== "/object-storage/keys")) return false;
  if (f.path === undefined) return true;
  if (f.path instanceof RegExp) {
    f.path.lastIndex = 0; // a /g or /y RegExp would otherwise remember the previous match
    return f.path.test(path);
  }
  return path.startsWith(f.path) || unversioned(path).startsWith(f.path);
}

/** The armed faults, consumed as requests hit them. */
export class FaultQueue {
  private armed: Armed[] = [];

  /** Arms a fault. */
  add(fault: Fault): void {
    const left = fault.times ?? 1;
    if (!(left > 0)) throw new RangeError("fault.times must be positive");
    this.armed.push({ fault, left });
  }

  /** Finds the first fault matching this request and uses up one of its times. */
  take(method: string, path: string): Fault | undefined {
    const hit = this.armed.find((a) => matches(a.fault, method, path));
    if (!hit) return undefined;
    if (--hit.left <= 0) this.armed.splice(this.armed.indexOf(hit), 1);
    return hit.fault;
  }

  /** Disarms every fault. */
  clear(): void {
    this.armed = [];
  }
}
