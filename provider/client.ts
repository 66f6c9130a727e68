/**
 * The HTTP client for `/object-storage/keys`: bearer auth, retries with capped backoff, Linode
 * error bodies turned into one clear error, io-ts decoding of every response, and the rule that
 * a create is never repeated after an ambiguous failure.
 *
 * Everything is built when a call runs (axios instance, HTTP agent, codecs): a dynamic provider
 * is serialized into state, and an axios instance cannot be serialized.
 *
 * @packageDocumentation
 */
import * as http from "node:http";
import * as https from "node:https";
import axios from "axios";
import type * as t from "io-ts";
import { ApiKey, codecs, describeDecodeErrors } from "./codecs";
import { ApiErrorReason, ambiguousCreateError, formatReasons, linodeApiError } from "./errors";
import type { LinodeSettings } from "./settings";

/** The User-Agent sent with every request: this package's name and version. */
export const USER_AGENT = "pulumi-linode-objkey/0.1.0";

/** The largest page the API serves; listing every key takes the fewest requests with it. */
export const MAX_PAGE_SIZE = 500;

/** Body of a create request, in the API's shape. */
export interface CreateKeyBody {
  /** The key's label. */
  label: string;
  /** Omitted for an unlimited key; `[]` for a limited key with access to no bucket. */
  bucket_access?: { bucket_name: string; permissions: "read_only" | "read_write"; region: string }[];
  /** Regions the key may list and create buckets in. */
  regions?: string[];
}

/** Body of an update request: the API accepts only these two fields. */
export interface UpdateKeyBody {
  /** The new label. */
  label?: string;
  /** The complete new list of regions (it replaces the old one). */
  regions?: string[];
}

/** The keys endpoints. Every method decodes the API's answer before it returns. */
export interface KeysClient {
  /** Every key, across all pages. */
  listKeys(pageSize?: number): Promise<ApiKey[]>;
  /** One key, or `undefined` when the API answers 404. */
  getKey(id: number): Promise<ApiKey | undefined>;
  /** Creates a key (one POST, never repeated after an ambiguous failure). */
  createKey(body: CreateKeyBody): Promise<ApiKey>;
  /** Updates a key's label and/or regions. */
  updateKey(id: number, body: UpdateKeyBody): Promise<ApiKey>;
  /** Revokes a key; returns `false` when it was already gone (404). */
  deleteKey(id: number): Promise<boolean>;
}

/** What one HTTP attempt came to. */
export type Outcome =
  | { kind: "response"; status: number; headers: Record<string, string>; body: unknown; text: string }
  | { kind: "network"; code: string };

/** What to do after an attempt. */
export type Verdict =
  | { action: "done" }
  | { action: "retry"; waitMs?: number }
  | { action: "fail" }
  | { action: "ambiguous" };

/** Connection errors that prove the request never reached the server. */
const NEVER_SENT = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"];

/**
 * The retry rule. 429, 503 without `X-Maintenance-Mode`, 408, "Linode busy." and connections
 * that never opened mean the API did not act, so any method may retry. Other 5xx, resets and
 * timeouts may have acted: GET, PUT and DELETE retry (they are idempotent), POST does not.
 */
export function classify(method: string, outcome: Outcome, retryAfterBounds?: { min: number; max: number }): Verdict {
  const idempotent = method !== "POST";
  if (outcome.kind === "network") {
    if (NEVER_SENT.includes(outcome.code)) return { action: "retry" };
    return idempotent ? { action: "retry" } : { action: "ambiguous" };
  }
  const { status, headers } = outcome;
  if (status >= 200 && status < 300) return { action: "done" };
  if (status === 429) return { action: "retry", waitMs: retryAfterMs(headers["retry-after"], retryAfterBounds) };
  if (status === 408) return { action: "retry" };
  if (status === 503 && headers["x-maintenance-mode"] === undefined) return { action: "retry" };
  if (status === 503) return { action: "fail" };
  if (status === 400 && reasonsOf(outcome.body).some((r) => r.reason === "Linode busy.")) return { action: "retry" };
  if (status >= 500) return idempotent ? { action: "retry" } : { action: "ambiguous" };
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
  const ceiling = Math.min(max, min * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

function reasonsOf(body: unknown): ApiErrorReason[] {
  const decoded = codecs().ApiErrorBody.decode(body);
  return decoded._tag === "Right" ? decoded.right.errors : [];
}

/** Builds a client for one call's settings. */
export function createKeysClient(settings: LinodeSettings): KeysClient {
  const { ApiKey: ApiKeyCodec, ApiKeyPage, Revoked } = codecs();
  const agentOptions = { keepAlive: false };
  const api = axios.create({
    baseURL: settings.baseUrl,
    timeout: settings.timeoutMs,
    headers: { Authorization: `Bearer ${settings.token}`, "User-Agent": USER_AGENT, Accept: "application/json" },
    // A reused keep-alive socket that the server closed would look like an ambiguous reset.
    httpAgent: new http.Agent(agentOptions),
    httpsAgent: new https.Agent(agentOptions),
    responseType: "text",
    transformResponse: (data: unknown) => data,
    validateStatus: () => true,
    maxRedirects: 0,
  });

  async function attempt(method: string, path: string, body: unknown, query: Record<string, number> | undefined): Promise<Outcome> {
    try {
      const res = await api.request<string>({ method, url: path, data: body, params: query });
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
      const code = (err as { code?: unknown }).code;
      return { kind: "network", code: typeof code === "string" ? code : "ECONNRESET" };
    }
  }

  function describe(outcome: Outcome): string {
    if (outcome.kind === "network") {
      return outcome.code === "ECONNABORTED" || outcome.code === "ETIMEDOUT"
        ? `no answer within ${settings.timeoutMs} ms (${outcome.code})`
        : `connection error ${outcome.code}`;
    }
    const reasons = reasonsOf(outcome.body);
    if (reasons.length) return `HTTP ${outcome.status}: ${formatReasons(reasons)}`;
    const type = outcome.headers["content-type"] ?? "no content type";
    return `HTTP ${outcome.status} with a non-JSON body (${type}, ${outcome.text.length} bytes)`;
  }

  function failure(operation: string, outcome: Outcome, attempts: number): Error {
    const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
    if (outcome.kind === "network") {
      return new Error(
        `Linode API request ${operation} failed${tries}: ${describe(outcome)}. Check that ${settings.baseUrl} is reachable; ` +
          `raise linode:timeoutMs / LINODE_TIMEOUT_MS or linode:maxRetries / LINODE_MAX_RETRIES if the API is slow.`,
      );
    }
    const { status } = outcome;
    let hint: string | undefined;
    if (status === 401 || status === 403) {
      hint = "The token is wrong, expired, or lacks the object_storage scope (read_write to change keys); set linode:token or LINODE_TOKEN";
    } else if (status === 503 && outcome.headers["x-maintenance-mode"] !== undefined) {
      hint = "The Linode API is in maintenance mode; run the command again when it is over";
    } else if (status === 429) {
      hint = `Still rate limited${tries}; run again later, or raise linode:maxRetries / LINODE_MAX_RETRIES`;
    } else if (status === 404) {
      hint = "The key no longer exists; run pulumi refresh to drop it from state";
    } else if (status >= 500) {
      hint = `The Linode API failed${tries}; run again later`;
    }
    // A body that is not Linode's JSON (e.g. a proxy's HTML page) is described instead.
    const reasons = reasonsOf(outcome.body);
    return linodeApiError(operation, status, reasons.length ? reasons : [{ reason: describe(outcome).replace(/^HTTP \d+ /, "") }], hint);
  }

  /** Sends one request with the retry rule; resolves to the decoded body, or `undefined` on an allowed 404. */
  async function send<A>(
    method: "GET" | "POST" | "PUT" | "DELETE",
    path: string,
    decoder: t.Decoder<unknown, A>,
    opts: { body?: unknown; query?: Record<string, number>; allow404?: boolean } = {},
  ): Promise<A | undefined> {
    const operation = `${method} ${path}`;
    const bounds = { min: settings.minRetryDelayMs, max: settings.maxRetryDelayMs };
    for (let attemptNo = 0; ; attemptNo++) {
      const outcome = await attempt(method, path, opts.body, opts.query);
      if (outcome.kind === "response" && outcome.status === 404 && opts.allow404) return undefined;
      const verdict = classify(method, outcome, bounds);
      // After a cut connection or a timeout the request may still be running on Linode's side.
      if (verdict.action === "ambiguous") throw ambiguousOutcome(describe(outcome), outcome.kind === "network");
      if (verdict.action === "fail") throw failure(operation, outcome, attemptNo + 1);
      if (verdict.action === "retry") {
        if (attemptNo >= settings.maxRetries) throw failure(operation, outcome, attemptNo + 1);
        const wait = verdict.waitMs ?? backoffMs(attemptNo, settings.minRetryDelayMs, settings.maxRetryDelayMs);
        await new Promise((resolve) => setTimeout(resolve, wait));
        continue;
      }
      const decoded = decoder.decode(outcome.kind === "response" ? outcome.body : undefined);
      if (decoded._tag === "Right") return decoded.right;
      const why = describeDecodeErrors(decoded.left);
      if (method === "POST") {
        const id = (outcome.kind === "response" && (outcome.body as { id?: unknown } | undefined)?.id) ?? undefined;
        throw ambiguousOutcome(`HTTP 200 with a body this provider cannot read (${why})${typeof id === "number" ? `; it names key id ${id}` : ""}`, false);
      }
      throw new Error(
        `Linode API answered ${operation} with a body this provider cannot read (${why}). ` +
          `The API may have changed; report it with this message.`,
      );
    }
  }

  async function listKeys(pageSize: number = MAX_PAGE_SIZE): Promise<ApiKey[]> {
    const all: ApiKey[] = [];
    for (let page = 1, pages = 1; page <= pages; page++) {
      const result = (await send("GET", "/object-storage/keys", ApiKeyPage, { query: { page, page_size: pageSize } }))!;
      all.push(...result.data);
      pages = result.pages;
    }
    return all;
  }

  return {
    listKeys,
    getKey: (id) => send("GET", `/object-storage/keys/${id}`, ApiKeyCodec, { allow404: true }),
    async createKey(body) {
      try {
        return (await send("POST", "/object-storage/keys", ApiKeyCodec, { body }))!;
      } catch (err) {
        if (!isAmbiguousOutcome(err)) throw err;
        let ids: number[] | undefined;
        let listFailure: string | undefined;
        // A request that may still be running: look again a few times over one more timeout
        // before saying no key was made.
        for (let look = 0; look < (err.mayStillRun ? 5 : 1); look++) {
          if (look > 0) await new Promise((resolve) => setTimeout(resolve, settings.timeoutMs / 4));
          try {
            ids = (await listKeys()).filter((k) => k.label === body.label).map((k) => k.id);
            listFailure = undefined;
          } catch (listErr) {
            listFailure = (listErr as Error).message;
          }
          if (ids && ids.length > 0) break;
        }
        throw ambiguousCreateError(body.label, err.message, ids, listFailure);
      }
    },
    updateKey: async (id, body) => (await send("PUT", `/object-storage/keys/${id}`, ApiKeyCodec, { body }))!,
    deleteKey: async (id) => (await send("DELETE", `/object-storage/keys/${id}`, Revoked, { allow404: true })) !== undefined,
  };
}

/** Internal: a POST outcome that does not say whether the key exists (a tagged Error; see errors.ts on subclasses). */
type AmbiguousOutcome = Error & { name: "AmbiguousOutcome"; mayStillRun: boolean };

function ambiguousOutcome(cause: string, mayStillRun: boolean): AmbiguousOutcome {
  return Object.assign(new Error(cause), { name: "AmbiguousOutcome" as const, mayStillRun });
}

function isAmbiguousOutcome(err: unknown): err is AmbiguousOutcome {
  return err instanceof Error && err.name === "AmbiguousOutcome";
}
