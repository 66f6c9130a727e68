/**
 * HTTP front end of the emulator: routing, auth, headers, request log, faults,
 * pause/resume and the optional write rate limit. Key logic lives in store.ts.
 */
import { randomBytes } from "node:crypto";
import { IncomingMessage, STATUS_CODES, ServerResponse, createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { Fault, FaultQueue } from "./faults";
import { OrderSeed, orderSeedFromEnv } from "./order";
import { EndpointRecord, LIVE_CATALOGUE, RegionCatalogue } from "./regions";
import { ApiKey, ErrorItem, KeyStore, LinodeError } from "./store";

/** Options for {@link startEmulator}. */
export interface EmulatorOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Accepted bearer tokens; default one random token. The first is exposed as `token`. */
  tokens?: string[];
  /** Fixed-window limit on POST/PUT/DELETE; none by default. */
  writeLimit?: { limit: number; windowMs: number };
  /** Id of the first key created; default 1000. */
  firstId?: number;
  /**
   * The account's regions, as a catalogue or endpoint records (`GET /object-storage/endpoints`
   * data, optionally with `cluster`); default the live list of 2026-04-30 (23 regions, catalogue.ts).
   */
  catalogue?: RegionCatalogue | readonly EndpointRecord[];
  /**
   * Regions an unlimited key created without `regions` gets; default the 18 one live account got
   * (2026-05-06). Other accounts get other sets: tests that depend on it set it.
   */
  defaultRegions?: readonly string[];
  /**
   * Order of `regions[]` (and of `bucket_access` on reads) in answers: a seed for a reproducible
   * permutation per answer, or `null` for canonical order. Default: `$LINODE_EMULATOR_ORDER_SEED`
   * (an integer or `sorted`), else 1, so every test runs against answers that are not sorted.
   */
  orderSeed?: OrderSeed;
}

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
  /** Request headers (lower-case names) minus `authorization`. */
  headers: Record<string, string>;
  /** Epoch ms when the request arrived. */
  startedAt: number;
  /** Epoch ms when it was answered, reset or abandoned. */
  endedAt: number;
}

/** A running emulator. */
export interface Emulator {
  /** Base URL without the API version, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** The first accepted token. */
  readonly token: string;
  readonly port: number;
  /** The order seed in use (`null`: canonical order); print it to replay a failing run. */
  readonly orderSeed: OrderSeed;
  /** The account's regions. */
  readonly catalogue: RegionCatalogue;
  /** Finished requests in arrival order (requests still in flight appear once they end). */
  readonly requests: RecordedRequest[];
  /** Counters; `rateLimited` counts 429s from `writeLimit`. */
  readonly stats: { rateLimited: number };
  /** Stops listening and destroys open connections. */
  close(): Promise<void>;
  /** Empties `requests`. */
  clearRequests(): void;
  /** The stored keys with their real secrets (copies). */
  keys(): ApiKey[];
  /** Relabels a key out of band (no validation); throws when it does not exist. */
  setLabel(id: number, label: string): void;
  /** Revokes a key out of band; false when it did not exist. */
  revoke(id: number): boolean;
  /** Creates a key out of band, validated like POST; returns it with its secret. Throws LinodeError when invalid. */
  createDirect(body: unknown): ApiKey;
  /** Forgets keys, requests, faults, stats and the rate-limit window, and resumes if paused. Ids keep counting. */
  reset(): void;
  /** Arms a fault. */
  inject(fault: Fault): void;
  /** Disarms all faults. */
  clearFaults(): void;
  /** Holds new requests unanswered until {@link Emulator.resume}. */
  pause(): void;
  /** Processes held requests (those whose client is still there) and stops holding. */
  resume(): void;
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface Exchange {
  seq: number;
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** False when a non-empty body was not valid JSON. */
  bodyIsJson: boolean;
  authorized: boolean;
  startedAt: number;
  done: boolean;
  timer?: NodeJS.Timeout;
}

const ROUTE = /^\/v4(?:beta)?\/object-storage\/keys(?:\/(\d+))?$/;

const COMMON_HEADERS: Record<string, string> = {
  "Content-Type": "application/json",
  "Cache-Control": "max-age=0, no-cache, no-store",
  Vary: "Authorization, X-Filter",
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers": "Authorization, Origin, X-Requested-With, Content-Type, Accept, X-Filter",
  "Access-Control-Allow-Methods": "HEAD, GET, OPTIONS, POST, PUT, DELETE",
};

// What the live API sends on keys calls once the token is accepted.
function apiHeaders(method: string): Record<string, string> {
  const read = method === "GET";
  return {
    ...COMMON_HEADERS,
    "X-Accepted-OAuth-Scopes": read ? "object_storage:read_only" : "object_storage:read_write",
    "X-OAuth-Scopes": "*",
    "X-RateLimit-Limit": read ? "1840" : "60",
  };
}

function json(status: number, value: unknown, headers: Record<string, string> = COMMON_HEADERS): Reply {
  return { status, headers, body: JSON.stringify(value) };
}

function errorReply(status: number, errors: ErrorItem[], headers?: Record<string, string>): Reply {
  return json(status, { errors }, headers);
}

const epochSeconds = (ms: number) => Math.ceil(ms / 1000);

/** Starts an emulator on 127.0.0.1. */
export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const tokens = opts.tokens?.length ? [...opts.tokens] : [randomBytes(32).toString("hex")];
  const catalogue = opts.catalogue instanceof RegionCatalogue ? opts.catalogue : opts.catalogue ? new RegionCatalogue(opts.catalogue) : LIVE_CATALOGUE;
  const orderSeed = opts.orderSeed === undefined ? orderSeedFromEnv() : opts.orderSeed;
  const store = new KeyStore({ firstId: opts.firstId, catalogue, defaultRegions: opts.defaultRegions, orderSeed });
  const faults = new FaultQueue();
  const requests: RecordedRequest[] = [];
  const stats = { rateLimited: 0 };
  const sockets = new Set<Socket>();
  const open = new Set<Exchange>();
  let held: Exchange[] = [];
  let paused = false;
  let seq = 0;
  let window = { start: -Infinity, count: 0 };

  function finish(ex: Exchange, status: RecordedRequest["status"]): void {
    if (ex.done) return;
    ex.done = true;
    clearTimeout(ex.timer);
    open.delete(ex);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(ex.req.headers)) if (k !== "authorization" && v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
    const { seq, method, path, query, body, authorized, startedAt } = ex;
    const rec: RecordedRequest = { seq, method, path, query, body, status, authorized, headers, startedAt, endedAt: Date.now() };
    // Keep arrival order even when a delayed request finishes after a later one.
    const at = requests.findIndex((r) => r.seq > seq);
    at < 0 ? requests.push(rec) : requests.splice(at, 0, rec);
  }

  function deliver(ex: Exchange, reply: Reply): void {
    if (ex.done) return;
    ex.res.writeHead(reply.status, { ...reply.headers, "Content-Length": String(Buffer.byteLength(reply.body)) });
    ex.res.end(reply.body);
    finish(ex, reply.status);
  }

  function reset(ex: Exchange): void {
    if (ex.done) return;
    finish(ex, "reset");
    ex.req.socket.resetAndDestroy(); // RST rather than FIN, like a dropped connection
  }

  function writeGate(now: number): { reply?: Reply; headers: Record<string, string> } {
    const limit = opts.writeLimit;
    if (!limit) return { headers: {} };
    if (now >= window.start + limit.windowMs) window = { start: now, count: 0 };
    const end = window.start + limit.windowMs;
    const over = window.count >= limit.limit;
    if (!over) window.count++;
    const headers = {
      "X-RateLimit-Limit": String(limit.limit),
      "X-RateLimit-Remaining": String(limit.limit - window.count),
      "X-RateLimit-Reset": String(epochSeconds(end)),
    };
    if (!over) return { headers };
    stats.rateLimited++;
    const retryAfter = String(Math.max(1, Math.ceil((end - now) / 1000)));
    return { headers, reply: errorReply(429, [{ reason: "Too Many Requests" }], { ...COMMON_HEADERS, ...headers, "Retry-After": retryAfter }) };
  }

  function act(ex: Exchange): Reply {
    const m = ROUTE.exec(ex.path);
    const id = m?.[1] === undefined ? undefined : Number(m[1]);
    const allowed = id === undefined ? ["GET", "POST"] : ["GET", "PUT", "DELETE"];
    if (!m || !allowed.includes(ex.method)) return errorReply(404, [{ reason: "Not found" }]);
    if (!ex.authorized) return errorReply(401, [{ reason: "Invalid Token" }]);
    let headers = apiHeaders(ex.method);
    if (ex.method !== "GET") {
      const gate = writeGate(Date.now());
      if (gate.reply) return gate.reply;
      headers = { ...headers, ...gate.headers };
    }
    try {
      if (ex.method !== "GET" && ex.method !== "DELETE" && !ex.bodyIsJson) throw new LinodeError(400, [{ reason: "Request body must be valid JSON" }]);
      switch (`${ex.method} ${id === undefined ? "collection" : "item"}`) {
        case "GET collection": {
          const filter = filterField(ex.req.headers["x-filter"]);
          if (filter !== undefined) throw new LinodeError(400, [{ reason: `Cannot filter on ${filter}`, field: "X-Filter" }]);
          const page = ex.query.page === undefined ? 1 : Number(ex.query.page);
          const size = ex.query.page_size === undefined ? 100 : Number(ex.query.page_size);
          return json(200, store.list(page, size), headers);
        }
        case "POST collection":
          return json(200, store.create(ex.body), headers);
        case "GET item":
          return json(200, store.get(id!), headers);
        case "PUT item":
          return json(200, store.update(id!, ex.body), headers);
        default:
          store.revoke(id!);
          return json(200, {}, headers);
      }
    } catch (e) {
      if (e instanceof LinodeError) return errorReply(e.status, e.errors, headers);
      throw e;
    }
  }

  function faultReply(ex: Exchange, fault: Fault & { kind: "status" | "rate-limit" | "maintenance" }): Reply {
    const headers = apiHeaders(ex.method);
    if (fault.kind === "maintenance") return errorReply(503, [{ reason: "Currently in maintenance mode." }], { ...headers, "X-Maintenance-Mode": "true" });
    if (fault.kind === "rate-limit") {
      const wait = fault.retryAfter ?? null;
      const h: Record<string, string> = {
        ...headers,
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": String(epochSeconds(Date.now()) + (wait ?? 60)),
      };
      if (fault.retryAfter !== null) h["Retry-After"] = String(fault.retryAfter ?? 1);
      return errorReply(429, [{ reason: "Too Many Requests" }], h);
    }
    const body = fault.body ?? { errors: [{ reason: STATUS_CODES[fault.status] ?? "Error" }] };
    const text = typeof body === "string";
    return {
      status: fault.status,
      headers: { ...headers, ...(text ? { "Content-Type": "text/html" } : {}), ...fault.headers },
      body: text ? body : JSON.stringify(body),
    };
  }

  function handle(ex: Exchange): void {
    const fault = faults.take(ex.method, ex.path);
    if (fault?.kind === "status" || fault?.kind === "rate-limit" || fault?.kind === "maintenance") return deliver(ex, faultReply(ex, fault));
    if (fault?.kind === "reset-before") return reset(ex);
    if (fault?.kind === "act-late") {
      // Not ex.timer: a client that leaves must not cancel the work, as on a busy real server.
      setTimeout(() => deliver(ex, act(ex)), fault.ms).unref();
      return;
    }
    let reply = act(ex);
    if (fault?.kind === "reset-after") return reset(ex);
    if (fault?.kind === "delay") {
      ex.timer = setTimeout(() => deliver(ex, reply), fault.ms);
      return;
    }
    // The live bug (TF #1840): the key is persisted, yet the caller sees a 500 and never gets the secret.
    if (fault?.kind === "error-after-create" && reply.status === 200)
      reply = errorReply(fault.status ?? 500, [{ reason: "Unable to create keys at this time" }], reply.headers);
    deliver(ex, reply);
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://emulator");
    const auth = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
    const ex: Exchange = {
      seq: ++seq,
      req,
      res,
      method: (req.method ?? "GET").toUpperCase(),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: undefined,
      bodyIsJson: true,
      authorized: auth !== null && tokens.includes(auth[1]),
      startedAt: Date.now(),
      done: false,
    };
    open.add(ex);
    res.on("close", () => finish(ex, "timeout"));
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      if (text !== "") {
        try {
          ex.body = JSON.parse(text);
        } catch {
          ex.body = text;
          ex.bodyIsJson = false;
        }
      }
      if (ex.done) return;
      if (paused) held.push(ex);
      else handle(ex);
    });
  }

  const server = createServer(onRequest);
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const resume = () => {
    paused = false;
    for (const ex of held.splice(0)) if (!ex.done) handle(ex);
  };

  return {
    url: `http://127.0.0.1:${port}`,
    token: tokens[0],
    port,
    orderSeed,
    catalogue,
    requests,
    stats,
    close() {
      for (const ex of open) clearTimeout(ex.timer);
      held = [];
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
    clearRequests: () => void requests.splice(0),
    keys: () => store.snapshot(),
    setLabel: (id, label) => store.setLabel(id, label),
    revoke(id) {
      try {
        store.revoke(id);
        return true;
      } catch {
        return false;
      }
    },
    createDirect: (body) => store.create(body),
    reset() {
      store.clear();
      requests.splice(0);
      faults.clear();
      stats.rateLimited = 0;
      window = { start: -Infinity, count: 0 };
      resume();
    },
    inject: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    pause() {
      paused = true;
    },
    resume,
  };
}

/**
 * The field named by an X-Filter header, or undefined when there is no filter.
 * Keys have no filterable fields, so any filter at all is refused.
 */
function filterField(header: string | string[] | undefined): string | undefined {
  const raw = Array.isArray(header) ? header[0] : header;
  if (raw === undefined || raw.trim() === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return "X-Filter";
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return "X-Filter";
  return Object.keys(parsed)[0];
}
