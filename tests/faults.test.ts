/**
 * The fault matrix: every wire fault the emulator can inject, against every operation the
 * provider performs, each fault hitting the operation's own request once. For every cell the
 * test asserts the outcome and the exact number of requests the retry rule allows, and that the
 * emulator's keys agree with what the provider reported (no orphan, no duplicate, no secret lost
 * without the user being told).
 */
import { strict as assert } from "node:assert";
import { Emulator, startEmulator } from "../emulator/server";
import type { Fault } from "../emulator/faults";
import type { ApiKey as EmuKey } from "../emulator/store";
import { AmbiguousCreateError, ObjectStorageKeyProvider, getObjectStorageKeys, isAmbiguousCreateError } from "../provider";
import type { KeyInputs, KeyOutputs } from "../provider/codecs";
import { FAST_RETRIES, calls, providerFor, rejection } from "./helpers";

/** The client's per-request timeout for these tests; the "slow" fault answers well after it. */
const TIMEOUT_MS = 300;
const SLOW_MS = 700;
/** FAST_RETRIES' cap on any wait, Retry-After included (client.ts `retryAfterMs` clamps to it). */
const MAX_RETRY_DELAY_MS = Number(FAST_RETRIES["linode:maxRetryDelayMs"]);
const SETTINGS = { ...FAST_RETRIES, "linode:timeoutMs": String(TIMEOUT_MS) };
/** The same settings, given explicitly to getObjectStorageKeys. */
const LIST_SETTINGS = {
  minRetryDelayMs: Number(FAST_RETRIES["linode:minRetryDelayMs"]),
  maxRetryDelayMs: MAX_RETRY_DELAY_MS,
  timeoutMs: TIMEOUT_MS,
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Op = "create" | "read" | "update" | "delete" | "list";
const OPS: Op[] = ["create", "read", "update", "delete", "list"];

/** Which request each operation sends: the fault matches exactly this method and path. */
const COLLECTION = /^\/v4(beta)?\/object-storage\/keys$/;
const ITEM = /^\/v4(beta)?\/object-storage\/keys\/\d+$/;
const TARGET: Record<Op, { method: string; path: RegExp }> = {
  create: { method: "POST", path: COLLECTION },
  read: { method: "GET", path: ITEM },
  update: { method: "PUT", path: ITEM },
  delete: { method: "DELETE", path: ITEM },
  list: { method: "GET", path: COLLECTION },
};

/** The matrix rows, in print order (an object's keys "500" and "503" would sort first). */
const FAULT_NAMES = [
  "429 Retry-After: 1",
  "429 no Retry-After",
  "503",
  "503 maintenance",
  "500",
  "502 HTML body",
  "reset before handling",
  "reset after handling",
  "slower than timeout",
  "500 after create",
] as const;
type FaultName = (typeof FAULT_NAMES)[number];

/** Each fault, and the status the emulator records for the request it hits. */
const FAULTS: Record<FaultName, { fault: Fault; hit: (op: Op) => number | "reset" | "timeout" }> = {
  "429 Retry-After: 1": { fault: { kind: "rate-limit", retryAfter: 1 }, hit: () => 429 },
  "429 no Retry-After": { fault: { kind: "rate-limit", retryAfter: null }, hit: () => 429 },
  "503": { fault: { kind: "status", status: 503 }, hit: () => 503 },
  "503 maintenance": { fault: { kind: "maintenance" }, hit: () => 503 },
  "500": { fault: { kind: "status", status: 500 }, hit: () => 500 },
  "502 HTML body": {
    fault: { kind: "status", status: 502, body: "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>" },
    hit: () => 502,
  },
  "reset before handling": { fault: { kind: "reset-before" }, hit: () => "reset" },
  "reset after handling": { fault: { kind: "reset-after" }, hit: () => "reset" },
  "slower than timeout": { fault: { kind: "delay", ms: SLOW_MS }, hit: () => "timeout" },
  // Only POST …/keys can be hit; on the other operations it stays armed and never fires.
  "500 after create": { fault: { kind: "error-after-create" }, hit: (op) => (op === "create" ? 500 : 200) },
};

/**
 * What a failed cell's error must say. `what` describes what happened; the rest of each pattern
 * checks the error also says what to do.
 */
type Failure =
  /** Failed with no key made: the error must say what happened and to run again. */
  | { kind: "api"; what: RegExp }
  /** An ambiguous create that left no key: the error says it was most likely not created. */
  | { kind: "not-created"; what: RegExp }
  /** An ambiguous create that left exactly one key: adopted as a partial create (error has `.id`). */
  | { kind: "adopted"; what: RegExp };

interface Expected {
  outcome: "ok" | "err";
  /** Exact number of requests the emulator sees for the operation. */
  requests: number;
  failure?: Failure;
  /** Why this many requests: the rule that applies. */
  why: string;
}

const ok = (requests: number, why: string): Expected => ({ outcome: "ok", requests, why });
const err = (requests: number, failure: Failure, why: string): Expected => ({ outcome: "err", requests, failure, why });

const MAINTENANCE: Failure = { kind: "api", what: /HTTP 503: Currently in maintenance mode\..*run the command again when it is over/ };
const RETRY = "retryable for every method: one retry succeeds";
const IDEMPOTENT = "may have acted; GET/PUT/DELETE are idempotent: one retry succeeds";
const AMBIGUOUS_NONE = "POST may have acted: no retry; the client lists keys and finds none (1 POST + 1 list)";
const AMBIGUOUS_ONE = "POST acted: no retry; the list finds the key and the provider reads it to adopt it (POST + list + GET)";
const NO_RETRY = "maintenance never retries";
const NOT_HIT = "the fault only hits POST …/keys: one request";

/**
 * The matrix, derived from the retry rule in client.ts (`classify`): 429, 503 without
 * X-Maintenance-Mode, 408 and never-sent errors retry for every method; other 5xx, resets and
 * timeouts retry for GET/PUT/DELETE but make a POST ambiguous (no retry, then one listing to name
 * candidates, then one read of a single candidate to adopt it); a DELETE retried after it already
 * acted gets 404, which counts as revoked; maintenance never retries.
 */
const MATRIX: Record<FaultName, Record<Op, Expected>> = {
  "429 Retry-After: 1": { create: ok(2, RETRY), read: ok(2, RETRY), update: ok(2, RETRY), delete: ok(2, RETRY), list: ok(2, RETRY) },
  "429 no Retry-After": { create: ok(2, RETRY), read: ok(2, RETRY), update: ok(2, RETRY), delete: ok(2, RETRY), list: ok(2, RETRY) },
  "503": { create: ok(2, RETRY), read: ok(2, RETRY), update: ok(2, RETRY), delete: ok(2, RETRY), list: ok(2, RETRY) },
  "503 maintenance": {
    create: err(1, MAINTENANCE, NO_RETRY),
    read: err(1, MAINTENANCE, NO_RETRY),
    update: err(1, MAINTENANCE, NO_RETRY),
    delete: err(1, MAINTENANCE, NO_RETRY),
    list: err(1, MAINTENANCE, NO_RETRY),
  },
  "500": {
    create: err(2, { kind: "not-created", what: /\(HTTP 500: Internal Server Error\)/ }, AMBIGUOUS_NONE),
    read: ok(2, IDEMPOTENT),
    update: ok(2, IDEMPOTENT),
    delete: ok(2, IDEMPOTENT),
    list: ok(2, IDEMPOTENT),
  },
  "502 HTML body": {
    create: err(2, { kind: "not-created", what: /\(HTTP 502 with a non-JSON body \(text\/html, \d+ bytes\)\)/ }, AMBIGUOUS_NONE),
    read: ok(2, IDEMPOTENT),
    update: ok(2, IDEMPOTENT),
    delete: ok(2, IDEMPOTENT),
    list: ok(2, IDEMPOTENT),
  },
  "reset before handling": {
    create: err(6, { kind: "not-created", what: /\(connection error ECONNRESET\)/ }, "POST may still be running after a reset: no retry; the client lists keys 5 times over one more timeout and finds none (1 POST + 5 lists)"),
    read: ok(2, IDEMPOTENT),
    update: ok(2, IDEMPOTENT),
    delete: ok(2, IDEMPOTENT),
    list: ok(2, IDEMPOTENT),
  },
  "reset after handling": {
    create: err(3, { kind: "adopted", what: /\(connection error ECONNRESET\)/ }, AMBIGUOUS_ONE),
    read: ok(2, IDEMPOTENT),
    update: ok(2, IDEMPOTENT),
    delete: ok(2, `${IDEMPOTENT}; the retried DELETE gets 404 = revoked`),
    list: ok(2, IDEMPOTENT),
  },
  "slower than timeout": {
    create: err(3, { kind: "adopted", what: new RegExp(`\\(no answer within ${TIMEOUT_MS} ms \\(ECONNABORTED\\)\\)`) }, AMBIGUOUS_ONE),
    read: ok(2, IDEMPOTENT),
    update: ok(2, IDEMPOTENT),
    delete: ok(2, `${IDEMPOTENT}; the retried DELETE gets 404 = revoked`),
    list: ok(2, IDEMPOTENT),
  },
  "500 after create": {
    create: err(3, { kind: "adopted", what: /\(HTTP 500: Unable to create keys at this time\)/ }, AMBIGUOUS_ONE),
    read: ok(1, NOT_HIT),
    update: ok(1, NOT_HIT),
    delete: ok(1, NOT_HIT),
    list: ok(1, NOT_HIT),
  },
};

const CREATE_LABEL = "fault-create";
const EXISTING_LABEL = "fault-existing";
const UPDATED_LABEL = "fault-updated";

interface CellResult {
  fault: FaultName;
  op: Op;
  outcome: "ok" | "err";
  requests: number;
  statuses: string;
  message?: string;
}

/** What the operation reported: the ids it names, and the value or error. */
interface Run {
  value?: unknown;
  error?: Error & { id?: unknown; properties?: Record<string, unknown> };
  /** Key ids the result or the error names. */
  named: number[];
}

describe("fault matrix: every fault × every operation", function () {
  this.timeout(20000);
  let emu: Emulator;
  let p: ObjectStorageKeyProvider;
  const results: CellResult[] = [];

  before(async () => {
    emu = await startEmulator();
  });
  after(async () => {
    await emu.close();
    printMatrix(results);
  });
  beforeEach(async () => {
    emu.reset();
    p = await providerFor(emu, SETTINGS);
  });

  /** A key the provider created and "Pulumi" tracks in state (not counted as an orphan). */
  async function tracked(): Promise<{ id: string; outs: KeyOutputs }> {
    const r = await p.create({ label: EXISTING_LABEL, __provider: "provider-code" } as unknown as KeyInputs);
    emu.clearRequests();
    return { id: r.id, outs: r.outs! };
  }

  async function run(op: Op, state: { id: string; outs: KeyOutputs } | undefined): Promise<Run> {
    try {
      switch (op) {
        case "create": {
          const r = await p.create({ label: CREATE_LABEL, __provider: "provider-code" } as unknown as KeyInputs);
          return { value: r, named: [Number(r.id)] };
        }
        case "read":
          return { value: await p.read(state!.id, state!.outs), named: [] };
        case "update":
          return { value: await p.update(state!.id, state!.outs, { label: UPDATED_LABEL } as KeyInputs), named: [] };
        case "delete":
          return { value: await p.delete(state!.id), named: [] };
        case "list": {
          const keys = await getObjectStorageKeys({ token: emu.token, url: emu.url, ...LIST_SETTINGS });
          return { value: keys, named: keys.map((k) => k.id) };
        }
      }
    } catch (e) {
      const error = e as Run["error"] & object;
      const named = error.id !== undefined ? [Number(error.id)] : isAmbiguousCreateError(error) ? [...error.candidateIds] : [];
      return { error, named };
    }
  }

  /** Waits until a request abandoned by a client timeout has been logged by the emulator. */
  async function settle(expected: number): Promise<void> {
    const end = Date.now() + SLOW_MS + 500;
    while (emu.requests.length < expected && Date.now() < end) await sleep(5);
    await sleep(20); // anything beyond the expected count would show up now
  }

  for (const fault of FAULT_NAMES) {
    for (const op of OPS) {
      const want = MATRIX[fault][op];
      const label = `${want.outcome}/${want.requests}`;
      it(`${fault} on ${op} → ${label} (${want.why})`, async () => {
        const state = op === "create" ? undefined : await tracked();
        const before = emu.keys();
        emu.inject({ ...FAULTS[fault].fault, ...TARGET[op], times: 1 });

        const r = await run(op, state);
        await settle(want.requests);
        const seen = calls(emu);
        const statuses = emu.requests.map((q) => String(q.status)).join(",");
        results.push({ fault, op, outcome: r.error ? "err" : "ok", requests: seen.length, statuses, message: r.error?.message });

        // The fault hit the operation's own request (the cell is not vacuous).
        assert.equal(emu.requests[0]?.status, FAULTS[fault].hit(op), `first request: ${seen[0]} ${statuses}`);
        assert.match(seen[0], new RegExp(`^${TARGET[op].method} `));

        // Outcome and exact request count.
        if (want.outcome === "ok") assert.equal(r.error, undefined, `expected success, got: ${r.error?.message}`);
        else assert.ok(r.error, "expected an error");
        assert.equal(seen.length, want.requests, `requests: ${seen.join(" | ")} (${statuses})`);

        const after = emu.keys();
        if (r.error) assertFailureSays(r.error, want.failure!, after);
        else assertEffect(op, r, state, after);
        assertKeysAgree(op, r, state, before, after);
      });
    }
  }

  /** The error says what happened and what to do; an adopted key is named by `.id`. */
  function assertFailureSays(error: NonNullable<Run["error"]>, f: Failure, after: EmuKey[]): void {
    const m = error.message;
    assert.match(m, f.what, m);
    switch (f.kind) {
      case "api":
        assert.equal(error.id, undefined);
        break;
      case "not-created":
        assert.equal(error.id, undefined, "nothing to adopt");
        assert.ok(isAmbiguousCreateError(error), m);
        assert.deepEqual(error.candidateIds, []);
        assert.match(m, new RegExp(`Creating Object Storage key "${CREATE_LABEL}" failed ambiguously`));
        assert.match(m, /The request was not repeated, to avoid a duplicate key/);
        assert.match(m, new RegExp(`No key labelled "${CREATE_LABEL}" appeared, so it was most likely not created`));
        assert.match(m, /If a key with this label appears that Pulumi does not track, revoke it .*; then run pulumi up again\.$/);
        break;
      case "adopted": {
        const made = after.filter((k) => k.label === CREATE_LABEL);
        assert.equal(made.length, 1);
        const id = made[0].id;
        assert.equal(error.id, String(id), "the partial-create error carries the key's id");
        assert.match(m, new RegExp(`Creating Object Storage key "${CREATE_LABEL}" failed ambiguously`));
        assert.match(m, /its secret cannot be read back/);
        assert.match(m, new RegExp(`Keys labelled "${CREATE_LABEL}" now: ${id}\\.`));
        assert.match(m, new RegExp(`Pulumi now tracks key ${id} without its secret; the next pulumi up replaces it with a new key and revokes ${id}\\.$`));
        const props = error.properties!;
        assert.equal(props.label, CREATE_LABEL);
        assert.equal(props.access_key, made[0].access_key, "adopted outputs come from reading the key");
        assert.equal(props.secret_key, undefined, "no secret is invented");
        assert.equal(props.__provider, "provider-code", "__provider is kept so the engine can call this provider again");
        break;
      }
    }
    assert.ok(!m.includes(emu.token), "the token never appears in an error");
  }

  /** A successful operation did what it says. */
  function assertEffect(op: Op, r: Run, state: { id: string; outs: KeyOutputs } | undefined, after: EmuKey[]): void {
    switch (op) {
      case "create": {
        const res = r.value as { id: string; outs: KeyOutputs };
        const key = after.find((k) => String(k.id) === res.id)!;
        assert.ok(key, "the reported key exists");
        assert.equal(res.outs.secret_key, key.secret_key, "the user got the key's real secret");
        break;
      }
      case "read": {
        const res = r.value as { id?: string; props?: KeyOutputs };
        assert.equal(res.id, state!.id);
        assert.equal(res.props!.label, EXISTING_LABEL);
        assert.equal(res.props!.secret_key, state!.outs.secret_key);
        break;
      }
      case "update": {
        const res = r.value as { outs: KeyOutputs };
        assert.equal(res.outs.label, UPDATED_LABEL);
        assert.equal(after.find((k) => String(k.id) === state!.id)!.label, UPDATED_LABEL);
        for (const q of emu.requests) assert.deepEqual(q.body, { label: UPDATED_LABEL });
        break;
      }
      case "delete":
        assert.equal(after.find((k) => String(k.id) === state!.id), undefined, "the key is revoked");
        break;
      case "list":
        assert.deepEqual((r.value as { id: number }[]).map((k) => k.id), after.map((k) => k.id));
        break;
    }
  }

  /** No orphan, no duplicate, no silently lost secret. */
  function assertKeysAgree(op: Op, r: Run, state: { id: string } | undefined, before: EmuKey[], after: EmuKey[]): void {
    const known = new Set<number>([...r.named, ...(state ? [Number(state.id)] : [])]);
    const orphans = after.filter((k) => !known.has(k.id)).map((k) => k.id);
    assert.deepEqual(orphans, [], "every key is named by state, the result or the error");
    assert.ok(after.filter((k) => k.label === CREATE_LABEL).length <= 1, "never two keys for one create");
    if (op === "create") {
      const made = after.filter((k) => !before.some((b) => b.id === k.id));
      if (r.error && made.length) {
        assert.equal(r.error.id, String(made[0].id), "a key made by a failed create is named by the error");
        assert.match(r.error.message, /may have created the key anyway, and its secret cannot be read back/);
      }
      // A POST is sent again only after an answer proving the API did not act (429 or 503).
      const posts = emu.requests.filter((q) => q.method === "POST");
      posts.slice(1).forEach((_, i) => assert.ok([429, 503].includes(posts[i].status as number), `POST repeated after ${posts[i].status}`));
    } else if (op !== "delete" || r.error) {
      assert.ok(after.some((k) => String(k.id) === state!.id), "the tracked key is still there");
    }
  }

  it(`429 Retry-After: 1 waits, clamped to linode:maxRetryDelayMs (${MAX_RETRY_DELAY_MS} ms), not 1 s`, async () => {
    const { id, outs } = await tracked();
    emu.inject({ kind: "rate-limit", retryAfter: 1, ...TARGET.read });
    const t0 = Date.now();
    await p.read(id, outs);
    const elapsed = Date.now() - t0;
    const [first, second] = emu.requests;
    const gap = second.startedAt - first.endedAt;
    console.log(`  Retry-After 1 s with maxRetryDelayMs ${MAX_RETRY_DELAY_MS}: gap between attempts ${gap} ms, read took ${elapsed} ms`);
    assert.ok(gap >= MAX_RETRY_DELAY_MS - 5, `waited ${gap} ms`);
    assert.ok(elapsed < 500, `took ${elapsed} ms`);
  });

  it("429 Retry-After: 1 is honoured in full when linode:maxRetryDelayMs allows it", async () => {
    p = await providerFor(emu, { ...SETTINGS, "linode:maxRetryDelayMs": "5000" });
    const { id, outs } = await tracked();
    emu.inject({ kind: "rate-limit", retryAfter: 1, ...TARGET.read });
    await p.read(id, outs);
    const [first, second] = emu.requests;
    const gap = second.startedAt - first.endedAt;
    console.log(`  Retry-After 1 s with maxRetryDelayMs 5000: gap between attempts ${gap} ms`);
    assert.ok(gap >= 990 && gap < 2000, `waited ${gap} ms`);
  });
});

describe("ambiguous create: candidates and a failing listing", function () {
  this.timeout(20000);
  let emu: Emulator;
  let p: ObjectStorageKeyProvider;
  const LABEL = "shared-label";
  const rows: { case: string; requests: string; candidates: string; adopted: string; keys: number }[] = [];

  before(async () => {
    emu = await startEmulator();
  });
  after(async () => {
    await emu.close();
    console.log("\n  Ambiguous creates");
    printRows(rows);
  });
  beforeEach(async () => {
    emu.reset();
    p = await providerFor(emu, SETTINGS);
  });

  const create = () => p.create({ label: LABEL, __provider: "provider-code" } as unknown as KeyInputs);

  it("two keys already carry the label and the POST fails: the error lists both ids, adopts neither, does not retry", async () => {
    const a = emu.createDirect({ label: LABEL });
    const b = emu.createDirect({ label: LABEL });
    emu.inject({ kind: "status", status: 500, ...TARGET.create });
    const e = await rejection(create);
    rows.push({ case: "2 existing + 500", requests: calls(emu).join(" | "), candidates: String((e as AmbiguousCreateError).candidateIds), adopted: String((e as { id?: unknown }).id ?? "-"), keys: emu.keys().length });
    assert.ok(isAmbiguousCreateError(e), e.message);
    assert.deepEqual(calls(emu), ["POST /object-storage/keys", "GET /object-storage/keys"], "one POST, no retry, one listing, no read");
    assert.deepEqual([...e.candidateIds], [a.id, b.id]);
    assert.match(e.message, new RegExp(`Keys labelled "${LABEL}" now: ${a.id}, ${b.id}\\.`));
    assert.match(e.message, /If a key with this label appears that Pulumi does not track, revoke it/);
    assert.equal((e as { id?: unknown }).id, undefined, "no adoption: the provider cannot tell which key is its own");
    assert.deepEqual(emu.keys().map((k) => k.id), [a.id, b.id], "no key made, none removed");
  });

  it("two keys already carry the label and the POST made a third: the error lists all three, adopts none, does not retry", async () => {
    const a = emu.createDirect({ label: LABEL });
    const b = emu.createDirect({ label: LABEL });
    emu.inject({ kind: "error-after-create" });
    const e = await rejection(create);
    const made = emu.keys().find((k) => k.id !== a.id && k.id !== b.id)!;
    rows.push({ case: "2 existing + 500 after create", requests: calls(emu).join(" | "), candidates: String((e as AmbiguousCreateError).candidateIds), adopted: String((e as { id?: unknown }).id ?? "-"), keys: emu.keys().length });
    assert.ok(isAmbiguousCreateError(e), e.message);
    assert.deepEqual(calls(emu), ["POST /object-storage/keys", "GET /object-storage/keys"]);
    assert.deepEqual([...e.candidateIds], [a.id, b.id, made.id], "the new key is named, so it is not an orphan");
    assert.match(e.message, new RegExp(`now: ${a.id}, ${b.id}, ${made.id}\\.`));
    assert.match(e.message, /may have created the key anyway, and its secret cannot be read back/);
    assert.equal((e as { id?: unknown }).id, undefined);
    assert.equal(emu.keys().length, 3, "never a second key for this create");
  });

  it("the listing fails too (maintenance): the error says so and names the label to look for", async () => {
    emu.inject({ kind: "error-after-create" });
    emu.inject({ kind: "maintenance", ...TARGET.list });
    const e = await rejection(create);
    rows.push({ case: "500 after create, list 503 maint.", requests: calls(emu).join(" | "), candidates: "(unknown)", adopted: String((e as { id?: unknown }).id ?? "-"), keys: emu.keys().length });
    assert.ok(isAmbiguousCreateError(e), e.message);
    assert.deepEqual(calls(emu), ["POST /object-storage/keys", "GET /object-storage/keys"], "no retry of the POST; the maintenance listing is not retried");
    assert.match(e.message, /failed ambiguously \(HTTP 500: Unable to create keys at this time\)/);
    assert.match(e.message, /may have created the key anyway/);
    assert.match(e.message, /Listing keys to look for it failed too \(Linode API error on GET \/object-storage\/keys: HTTP 503: Currently in maintenance mode\./);
    assert.match(e.message, new RegExp(`check the keys labelled "${LABEL}" yourself`));
    assert.match(e.message, /If a key with this label appears that Pulumi does not track, revoke it .*; then run pulumi up again\.$/);
    // The key exists and no id could be learned: the user is told to look for it by label.
    assert.deepEqual(emu.keys().map((k) => k.label), [LABEL]);
    assert.equal(emu.keys().length, 1, "no duplicate");
  });

  it("the listing fails once (503) and recovers: the single key is adopted", async () => {
    emu.inject({ kind: "error-after-create" });
    emu.inject({ kind: "status", status: 503, ...TARGET.list });
    const e = await rejection(create);
    const [key] = emu.keys();
    rows.push({ case: "500 after create, list 503 once", requests: calls(emu).join(" | "), candidates: String(key.id), adopted: String((e as { id?: unknown }).id ?? "-"), keys: emu.keys().length });
    assert.deepEqual(calls(emu), ["POST /object-storage/keys", "GET /object-storage/keys", "GET /object-storage/keys", `GET /object-storage/keys/${key.id}`]);
    assert.equal((e as { id?: unknown }).id, String(key.id));
    assert.match(e.message, new RegExp(`Pulumi now tracks key ${key.id} without its secret`));
    assert.equal(emu.keys().length, 1);
  });
});

function printMatrix(results: CellResult[]): void {
  const faults = FAULT_NAMES;
  const w0 = Math.max(...faults.map((f) => f.length));
  const cell = (f: FaultName, op: Op) => {
    const r = results.find((x) => x.fault === f && x.op === op);
    if (!r) return "-";
    const want = MATRIX[f][op];
    const mismatch = r.outcome !== want.outcome || r.requests !== want.requests;
    return `${r.outcome}/${r.requests}${mismatch ? `!(${want.outcome}/${want.requests})` : ""}`;
  };
  const w = 10;
  console.log(`\n  Fault matrix (cell = outcome/requests; ! marks a cell that differs from the expected table)`);
  console.log(`  ${"fault".padEnd(w0)} | ${OPS.map((o) => o.padEnd(w)).join(" | ")}`);
  console.log(`  ${"-".repeat(w0)}-+-${OPS.map(() => "-".repeat(w)).join("-+-")}`);
  for (const f of faults) console.log(`  ${f.padEnd(w0)} | ${OPS.map((o) => cell(f, o).padEnd(w)).join(" | ")}`);
  const ok = results.filter((r) => r.outcome === "ok").length;
  const requests = results.reduce((n, r) => n + r.requests, 0);
  console.log(`\n  Totals: cells ${results.length}, ok ${ok}, errors ${results.length - ok}, requests ${requests}`);
  console.log("\n  Errors (fault / operation: statuses seen → message)");
  for (const r of results) if (r.message) console.log(`  ${r.fault} / ${r.op}: ${r.statuses} → ${r.message}`);
}

function printRows(rows: Record<string, string | number>[]): void {
  if (!rows.length) return;
  const cols = Object.keys(rows[0]);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (vals: string[]) => `  ${vals.map((v, i) => v.padEnd(width[i])).join(" | ")}`;
  console.log(line(cols));
  console.log(`  ${width.map((n) => "-".repeat(n)).join("-+-")}`);
  for (const r of rows) console.log(line(cols.map((c) => String(r[c]))));
}
