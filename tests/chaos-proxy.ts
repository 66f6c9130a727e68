/**
 * A proxy between the provider and the emulator that injects random faults, as a hostile network
 * would: answers without acting (429, 503, 500), connections reset before or after the API acted,
 * a 500 after the API acted, answers slower than the client's timeout, and requests that reach
 * the API only after the client gave up. Faults are drawn from a seeded generator, so a failing
 * run can be replayed with its seed.
 */
import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";
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
}

/** A running proxy. */
export interface ChaosProxy {
  /** The proxy's URL, to give the provider as `linode:url`. */
  readonly url: string;
  /** Faults injected so far, by kind, and requests seen. */
  readonly stats: Record<ChaosKind | "requests", number>;
  /** Changes the fault rate (0 turns faults off). */
  setRate(rate: number): void;
  /** Answers 401 "Invalid Token" to requests bearing `token`, as the API does once a token is revoked. */
  revokeToken(token: string): void;
  /** Stops the proxy. */
  close(): Promise<void>;
}

/** mulberry32: a small seeded generator, enough to replay a run. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Starts the proxy on 127.0.0.1. */
export async function startChaosProxy(opts: ChaosOptions): Promise<ChaosProxy> {
  const random = generator(opts.seed);
  let rate = opts.rate;
  const stats = Object.fromEntries([...CHAOS_KINDS, "requests"].map((k) => [k, 0])) as ChaosProxy["stats"];
  const target = new URL(opts.target);
  const sockets = new Set<Socket>();
  const revoked = new Set<string>();

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

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      stats.requests++;
      const body = Buffer.concat(chunks);
      if (revoked.has((req.headers.authorization ?? "").replace(/^Bearer\s+/i, ""))) return error(res, 401, "Invalid Token");
      const kind: ChaosKind | undefined = random() < rate ? CHAOS_KINDS[Math.floor(random() * CHAOS_KINDS.length)] : undefined;
      if (kind) stats[kind]++;
      try {
        switch (kind) {
          case "429":
            return error(res, 429, "Too Many Requests", { "retry-after": "1" });
          case "503":
            return error(res, 503, "Service Unavailable");
          case "500-before":
            return error(res, 500, "Internal Server Error");
          case "reset-before":
            return reset(req);
          case "act-late":
            await sleep(opts.lateMs);
            break;
        }
        const reply = await forward(req, body);
        switch (kind) {
          case "500-after":
            return error(res, 500, "Internal Server Error");
          case "reset-after":
            return reset(req);
          case "slow":
            await sleep(opts.slowMs);
            break;
        }
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
    setRate: (r) => void (rate = r),
    revokeToken: (token) => void revoked.add(token),
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}
