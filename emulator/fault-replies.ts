/**
 * The answers of faults that replace the real one: an arbitrary status, a 429, a 503 for maintenance,
 * and the 500 after a create that did persist the key.
 */
import { STATUS_CODES } from "node:http";
import type { Fault } from "./faults";
import { RATE_LIMITED, Reply, apiHeaders, epochSeconds, errorReply } from "./replies";

/** A fault answered without acting on the key store. */
export type AnsweringFault = Fault & { kind: "status" | "rate-limit" | "maintenance" };

/** Whether the fault answers in place of the API (and the request is not acted on). */
export function isAnswering(fault: Fault | undefined): fault is AnsweringFault {
  return fault?.kind === "status" || fault?.kind === "rate-limit" || fault?.kind === "maintenance";
}

/** The answer a fault gives to a request with this method. */
export function faultReply(method: string, fault: AnsweringFault): Reply {
  const headers = apiHeaders(method);
  // The header is recorded (linodego retries.go); the reason text is undocumented: assumed.
  if (fault.kind === "maintenance") return errorReply(503, [{ reason: "Currently in maintenance mode." }], { ...headers, "X-Maintenance-Mode": "true" });
  if (fault.kind === "rate-limit") return rateLimitReply(fault.retryAfter, headers);
  const body = fault.body ?? { errors: [{ reason: STATUS_CODES[fault.status] ?? "Error" }] };
  const text = typeof body === "string";
  return {
    status: fault.status,
    headers: { ...headers, ...(text ? { "Content-Type": "text/html" } : {}), ...fault.headers },
    body: text ? body : JSON.stringify(body),
  };
}

function rateLimitReply(retryAfter: number | null | undefined, headers: Record<string, string>): Reply {
  const h: Record<string, string> = {
    ...headers,
    "X-RateLimit-Remaining": "0",
    "X-RateLimit-Reset": String(epochSeconds(Date.now()) + (retryAfter ?? 60)),
  };
  if (retryAfter !== null) h["Retry-After"] = String(retryAfter ?? 1);
  return errorReply(429, RATE_LIMITED, h);
}

/**
 * The live bug (TF #1840): the key is persisted, yet the caller sees a 500 and never gets the secret.
 * Replaces a successful create's answer, keeping its headers.
 */
export function failedCreateReply(status: number | undefined, created: Reply): Reply {
  return errorReply(status ?? 500, [{ reason: "Unable to create keys at this time" }], created.headers);
}
