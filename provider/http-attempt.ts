/**
 * The HTTP layer: one attempt of one request to the Linode API, with bearer auth, a deadline from
 * sending to the last byte and a cap on the answer's size, reported as an {@link Outcome}. What
 * to do next (retry, fail, settle a create) is retry-policy.ts's; transport.ts runs the loop.
 *
 * Everything is built when a call runs (axios instance, HTTP agents): a dynamic provider is
 * serialized into state, and an axios instance cannot be serialized.
 *
 * @packageDocumentation
 */
import * as http from "node:http";
import * as https from "node:https";
import axios, { AxiosInstance } from "axios";
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

/** Node's codes for a failed TLS handshake (certificate, protocol). */
export function isTlsCode(code: string): boolean {
  return (
    /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_)/.test(code) ||
    ["EPROTO", "DEPTH_ZERO_SELF_SIGNED_CERT", "SELF_SIGNED_CERT_IN_CHAIN", "HOSTNAME_MISMATCH", "INVALID_CA"].includes(code)
  );
}

/** The axios instance for one call's settings: no redirects, no keep-alive, the answer as text. */
export function httpClient(settings: Pick<LinodeSettings, "baseUrl" | "token">): AxiosInstance {
  const agentOptions = { keepAlive: false };
  return axios.create({
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
}

/**
 * Sends one request and reports what it came to, never throwing: an answer of any status, or the
 * kind of failure. Axios errors are never rethrown: they carry the request config, Authorization
 * header included.
 */
export async function attempt(
  api: AxiosInstance,
  settings: Pick<LinodeSettings, "timeoutMs" | "token">,
  method: string,
  path: string,
  body: unknown,
  query: Record<string, number> | undefined,
): Promise<Outcome> {
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
