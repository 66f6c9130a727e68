/**
 * HTTP front end of the emulator: wires the request log, faults, pause/resume, the optional write
 * rate limit and the keys endpoints (each in its own module) to a server on 127.0.0.1.
 * Key logic lives in store.ts.
 */
import { randomBytes } from "node:crypto";
import { Server, createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { Dispatcher } from "./dispatcher";
import { Fault, FaultQueue } from "./faults";
import { KeysApi } from "./keys-api";
import { OrderSeed, orderSeedFromEnv } from "./order";
import { DEFAULT_S3_READINESS, S3Api, S3Readiness } from "./s3-api";
import { EndpointRecord, LIVE_CATALOGUE, RegionCatalogue } from "./regions";
import { RecordedRequest, RequestLog } from "./request-log";
import { ApiKey, KeyStore } from "./store";
import { WriteLimit, WriteWindow } from "./write-window";

export type { RecordedRequest } from "./request-log";

/** Options for {@link startEmulator}. */
export interface EmulatorOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Accepted bearer tokens; default one random token. The first is exposed as `token`. */
  tokens?: string[];
  /** Fixed-window limit on POST/PUT/DELETE; none by default. */
  writeLimit?: WriteLimit;
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
  /** The most keys the account holds (a create beyond it is refused); default 100, the live limit (catalogue.ts). */
  keyLimit?: number;
  /** When a new key starts to work at the S3 endpoints (s3-api.ts); default: at once. */
  s3?: Partial<S3Readiness>;
}

/** A running emulator. */
export interface Emulator {
  /** Base URL without the API version, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** The first accepted token. */
  readonly token: string;
  /**
   * The S3 endpoint base: `<url>/s3`. A request for the endpoint `us-iad-1.linodeobjects.com` goes
   * to `<s3Url>/us-iad-1.linodeobjects.com/...` (the provider's `linode-objkey:s3EndpointBase`).
   */
  readonly s3Url: string;
  /** The S3 readiness model; change its fields to change it while the emulator runs. */
  readonly s3: S3Readiness;
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
  /** Changes the account's key limit, as Linode support would when asked; keys above it stay. */
  setKeyLimit(limit: number): void;
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

/** The parts behind a running emulator that its controls reach. */
interface Parts {
  store: KeyStore;
  log: RequestLog;
  faults: FaultQueue;
  writes: WriteWindow;
  dispatcher: Dispatcher;
}

/** The emulator's out-of-band controls. */
type Controls = Omit<Emulator, "url" | "token" | "s3Url" | "s3" | "port" | "orderSeed" | "catalogue" | "requests" | "stats" | "close">;

function controls({ store, log, faults, writes, dispatcher }: Parts): Controls {
  return {
    clearRequests: () => log.clear(),
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
    setKeyLimit: (limit) => store.setKeyLimit(limit),
    reset() {
      store.clear();
      log.clear();
      faults.clear();
      writes.reset();
      dispatcher.resume();
    },
    inject: (fault: Fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    pause: () => dispatcher.pause(),
    resume: () => dispatcher.resume(),
  };
}

function resolveCatalogue(catalogue: EmulatorOptions["catalogue"]): RegionCatalogue {
  if (catalogue instanceof RegionCatalogue) return catalogue;
  return catalogue ? new RegionCatalogue(catalogue) : LIVE_CATALOGUE;
}

/** The server's open sockets, kept so that close() need not wait for idle keep-alive connections. */
function trackSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  return sockets;
}

/** Listens on 127.0.0.1 and resolves to the port bound. */
async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Starts an emulator on 127.0.0.1. */
export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const tokens = opts.tokens?.length ? [...opts.tokens] : [randomBytes(32).toString("hex")];
  const catalogue = resolveCatalogue(opts.catalogue);
  const orderSeed = opts.orderSeed === undefined ? orderSeedFromEnv() : opts.orderSeed;
  const store = new KeyStore({ firstId: opts.firstId, catalogue, defaultRegions: opts.defaultRegions, orderSeed, keyLimit: opts.keyLimit });
  const log = new RequestLog();
  const faults = new FaultQueue();
  const writes = new WriteWindow(opts.writeLimit);
  const s3 = new S3Api(store, catalogue, { ...DEFAULT_S3_READINESS, ...opts.s3 });
  const dispatcher = new Dispatcher(tokens, log, faults, new KeysApi(store, writes), s3);
  const server = createServer(dispatcher.onRequest);
  const sockets = trackSockets(server);
  const port = await listen(server, opts.port ?? 0);
  return {
    url: `http://127.0.0.1:${port}`,
    token: tokens[0],
    s3Url: `http://127.0.0.1:${port}/s3`,
    s3: s3.readiness,
    port,
    orderSeed,
    catalogue,
    requests: log.requests,
    stats: writes.stats,
    close() {
      dispatcher.close();
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
    ...controls({ store, log, faults, writes, dispatcher }),
  };
}
