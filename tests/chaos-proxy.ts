/**
 * A proxy between the provider and the emulator that injects random faults, as a hostile network
 * would: answers without acting (429, 503, 500), connections reset before or after the API acted,
 * a 500 after the API acted, answers slower than the client's timeout, and requests that reach
 * the API only after the client gave up. Faults are drawn from a seeded generator, so a failing
 * run can be replayed with its seed.
 */
import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { prng } from "../emulator/order";
import { sleep } from "./helpers";

/** The faults the proxy draws from. */
export const CHAOS_KINDS = ["429", "503", "500-before", "500-after", "reset-before", "reset-after", "slow", "act-late"] as const;
/** One kind of fault. */
export type ChaosKind = (typeof CHAOS_KINDS)[number];

/** Options for {@link startChaosProxy}. */
export interface ChaosOptions {
  /** Where requests go: the emulator's URL. */
  target: string;
  /** Share of requests that get a fault, 0 to 1. */
  rate: number;
  /** Seed of the fault generator. */
  seed: number;
  /** How late a "slow" answer comes (longer than the client's timeout). */
  slowMs: number;
  /** How late an "act-late" request reaches the API. */
  lateMs: number;
  /** Only requests with one of these methods get faults (all methods when omitted). */
  methods?: readonly string[];
  /**
   * Runs before any fault is drawn: an answer it returns is sent without reaching the API, as
   * when the API fails before acting. Lets a test run something else while a request is held.
   */
  before?: (req: { method: string; path: string }) => Promise<{ status: number; reason: string } | undefined>;
}

/** A running proxy. */
export interface ChaosProxy {
  /** The proxy's URL, to give the provider as `linode:url`. */
  readonly url: string;
  /** Faults injected so far, by kind, and requests seen. */
  readonly stats: Record<ChaosKind | "requests", number>;
  /** Ids of the keys made by POSTs that passed through this proxy, whether or not the client heard the answer. */
  readonly created: Set<number>;
  /** `METHOD path` of every PUT and DELETE that reached the API through this proxy. */
  readonly writes: string[];
  /** Changes the fault rate (0 turns faults off). */
  setRate(rate: number): void;
  /** Restarts the fault generator from `seed`. */
  setSeed(seed: number): void;
  /** Answers 401 "Invalid Token" to requests bearing `token`, as the API does once a token is revoked. */
  revokeToken(token: string): void;
  /** Stops the proxy. */
  close(): Promise<void>;
}

/** One step of a fault: answer with an error, reset the connection, or wait (`late` before acting, `slow` after). */
type Step = "reset" | "late" | "slow" | { status: number; reason: string; headers?: Record<string, string> };

/** What each fault does before the request reaches the API, and after the API answered. */
const PLANS: Record<ChaosKind, { before?: Step; after?: Step }> = {
  "429": { before: { status: 429, reason: "Too Many Requests", headers: { "retry-after": "1" } } },
  "503": { before: { status: 503, reason: "Service Unavailable" } },
  "500-before": { before: { status: 500, reason: "Internal Server Error" } },
  "500-after": { after: { status: 500, reason: "Internal Server Error" } },
  "reset-before": { before: "reset" },
  "reset-after": { after: "reset" },
  slow: { after: "slow" },
  "act-late": { before: "late" },
};

/** Starts the proxy on 127.0.0.1. */
export async function startChaosProxy(opts: ChaosOptions): Promise<ChaosProxy> {
  let random = prng(opts.seed);
  let rate = opts.rate;
  const stats = Object.fromEntries([...CHAOS_KINDS, "requests"].map((k) => [k, 0])) as ChaosProxy["stats"];
  const target = new URL(opts.target);
  const sockets = new Set<Socket>();
  const revoked = new Set<string>();
  const created = new Set<number>();
  const writes: string[] = [];

  const forward = (req: http.IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const out = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      out.on("error", reject);
      out.end(body);
    });
  const answer = (res: http.ServerResponse, status: number, headers: http.IncomingHttpHeaders, body: Buffer) => {
    if (res.destroyed) return;
    res.writeHead(status, { ...headers, "content-length": String(body.length) });
    res.end(body);
  };
  const error = (res: http.ServerResponse, status: number, reason: string, extra: Record<string, string> = {}) =>
    answer(res, status, { "content-type": "application/json", ...extra }, Buffer.from(JSON.stringify({ errors: [{ reason }] })));
  const reset = (req: http.IncomingMessage) => req.socket.resetAndDestroy();
  /** Carries out one step of a fault; true when it answered (or reset) the request. */
  const apply = async (step: Step | undefined, req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> => {
    if (step === undefined) return false;
    if (step === "late" || step === "slow") {
      await sleep(step === "late" ? opts.lateMs : opts.slowMs);
      return false;
    }
    if (step === "reset") reset(req);
    else error(res, step.status, step.reason, step.headers);
    return true;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      stats.requests++;
      const body = Buffer.concat(chunks);
      if (revoked.has((req.headers.authorization ?? "").replace(/^Bearer\s+/i, ""))) return error(res, 401, "Invalid Token");
      const held = await opts.before?.({ method: req.method ?? "", path: req.url ?? "" });
      if (held) return error(res, held.status, held.reason);
      const eligible = !opts.methods || opts.methods.includes(req.method ?? "");
      const kind: ChaosKind | undefined = eligible && random() < rate ? CHAOS_KINDS[Math.floor(random() * CHAOS_KINDS.length)] : undefined;
      if (kind) stats[kind]++;
      try {
        const plan = kind ? PLANS[kind] : {};
        if (await apply(plan.before, req, res)) return;
        if (req.method === "PUT" || req.method === "DELETE") writes.push(`${req.method} ${req.url}`);
        const reply = await forward(req, body);
        if (req.method === "POST" && reply.status === 200) {
          const id: unknown = (JSON.parse(reply.body.toString("utf8")) as { id?: unknown }).id;
          if (typeof id === "number") created.add(id);
        }
        if (await apply(plan.after, req, res)) return;
        answer(res, reply.status, reply.headers, reply.body);
      } catch {
        if (!res.destroyed) reset(req);
      }
    });
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    created,
    writes,
    setRate: (r) => void (rate = r),
    setSeed: (seed) => void (random = prng(seed)),
    revokeToken: (token) => void revoked.add(token),
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}
