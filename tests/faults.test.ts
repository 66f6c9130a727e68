/**
 * The fault matrix: every wire fault the emulator can inject, against every operation the
 * provider performs, each fault hitting the operation's own request once. For every cell the
 * test asserts the outcome and the exact number of requests the retry rule allows, and that the
 * emulator's keys agree with what the provider reported (no orphan, no duplicate, no secret lost
 * without the user being told).
 */
import { strict as assert } from "node:assert";
import type { Emulator } from "../emulator/server";
import type { Fault } from "../emulator/faults";
import type { ApiKey as EmuKey } from "../emulator/store";
import { getObjectStorageKeys, isAmbiguousCreateError } from "../provider";
import type { ObjectStorageKeyProvider } from "./provider-class";
import type { KeyInputs, KeyOutputs } from "../provider/codecs";
import { FAST_RETRIES, assertMentions, calls, MARKER_FORM, printTable, providerFor, rejection, shapes, sleep, withProvider } from "./helpers";

/** The client's per-request timeout for these tests; the "slow" fault answers well after it. */
const TIMEOUT_MS = 300;
const SLOW_MS = 700;
/** FAST_RETRIES' cap on any wait, Retry-After included (client.ts `retryAfterMs` clamps to it). */
const MAX_RETRY_DELAY_MS = Number(FAST_RETRIES["linode:maxRetryDelayMs"]);
const SETTINGS = { ...FAST_RETRIES, "linode-objkey:timeoutMs": String(TIMEOUT_MS) };
/** The same settings, given explicitly to getObjectStorageKeys. */
const LIST_SETTINGS = {
  minRetryDelayMs: Number(FAST_RETRIES["linode:minRetryDelayMs"]),
  maxRetryDelayMs: MAX_RETRY_DELAY_MS,
  timeoutMs: TIMEOUT_MS,
};

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
  { kind: "api"; what: RegExp };

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
const AMBIGUOUS_NONE =
  "POST may have acted: a listing finds no key with its create marker, so it is re-sent with a new marker, then the label PUT (POST + list + POST + PUT)";
const AMBIGUOUS_OWN =
  "POST acted: a listing finds the key with this POST's marker, which is revoked (its secret is lost); re-sent, then the label PUT (POST + list + DELETE + POST + PUT)";
const CREATE_RETRY = "the 429 proves the API did not act: the POST is re-sent, then the label PUT";
const CREATE_RECHECK = "a 503 may come from a proxy after the API acted: a listing shows no key with the marker, then the POST is re-sent, then the label PUT";
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
  "429 Retry-After: 1": { create: ok(3, CREATE_RETRY), read: ok(2, RETRY), update: ok(2, RETRY), delete: ok(2, RETRY), list: ok(2, RETRY) },
  "429 no Retry-After": { create: ok(3, CREATE_RETRY), read: ok(2, RETRY), update: ok(2, RETRY), delete: ok(2, RETRY), list: ok(2, RETRY) },
  "503": { create: ok(4, CREATE_RECHECK), read: ok(2, RETRY), update: ok(2, RETRY), delete: ok(2, RETRY), list: ok(2, RETRY) },
  "503 maintenance": {
    create: err(1, MAINTENANCE, `one POST; ${NO_RETRY}`),
    read: err(1, MAINTENANCE, NO_RETRY),
    update: err(1, MAINTENANCE, NO_RETRY),
    delete: err(1, MAINTENANCE, NO_RETRY),
    list: err(1, MAINTENANCE, NO_RETRY),
  },
  "500": {
    create: ok(4, AMBIGUOUS_NONE),
    read: ok(2, IDEMPOTENT),
    update: ok(2, IDEMPOTENT),
    delete: ok(2, IDEMPOTENT),
    list: ok(2, IDEMPOTENT),
  },
  "502 HTML body": {
    create: ok(4, AMBIGUOUS_NONE),
    read: ok(2, IDEMPOTENT),
    update: ok(2, IDEMPOTENT),
    delete: ok(2, IDEMPOTENT),
    list: ok(2, IDEMPOTENT),
  },
  "reset before handling": {
    create: ok(
      8,
      "POST may still be running after a reset: the client lists keys 5 times over one more timeout, finds no key with the marker, re-sends, then the label PUT",
    ),
    read: ok(2, IDEMPOTENT),
    update: ok(2, IDEMPOTENT),
    delete: ok(2, IDEMPOTENT),
    list: ok(2, IDEMPOTENT),
  },
  "reset after handling": {
    create: ok(5, AMBIGUOUS_OWN),
    read: ok(2, IDEMPOTENT),
    update: ok(2, IDEMPOTENT),
    delete: ok(3, `${IDEMPOTENT}; the retried DELETE gets 404, and a listing proves the endpoint answers: revoked`),
    list: ok(2, IDEMPOTENT),
  },
  "slower than timeout": {
    create: ok(5, AMBIGUOUS_OWN),
    read: ok(2, IDEMPOTENT),
    update: ok(2, IDEMPOTENT),
    delete: ok(3, `${IDEMPOTENT}; the retried DELETE gets 404, and a listing proves the endpoint answers: revoked`),
    list: ok(2, IDEMPOTENT),
  },
  "500 after create": {
    create: ok(5, AMBIGUOUS_OWN),
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
  const ctx = withProvider(SETTINGS);
  let emu: Emulator;
  let p: ObjectStorageKeyProvider;
  const results: CellResult[] = [];

  after(() => printMatrix(results));
  beforeEach(() => ({ emu, p } = ctx));

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
        // A create lists the label's keys first: the fault waits for the POST.
        emu.inject({ ...FAULTS[fault].fault, ...TARGET[op], times: 1 });

        const r = await run(op, state);
        await settle(want.requests);
        const seen = calls(emu);
        const statuses = emu.requests.map((q) => String(q.status)).join(",");
        results.push({ fault, op, outcome: r.error ? "err" : "ok", requests: seen.length, statuses, message: r.error?.message });

        // The fault hit the operation's own request (the cell is not vacuous).
        const own = emu.requests.find((q) => q.method === TARGET[op].method && TARGET[op].path.test(q.path));
        assert.equal(own?.status, FAULTS[fault].hit(op), `the operation's request: ${seen.join(" | ")} ${statuses}`);

        // Outcome and exact request count.
        if (want.outcome === "ok") assert.equal(r.error, undefined, `expected success, got: ${r.error?.message}`);
        else assert.ok(r.error, "expected an error");
        assert.equal(seen.length, want.requests, `requests: ${seen.join(" | ")} (${statuses})`);

        const after = emu.keys();
        if (r.error) assertFailureSays(r.error, want.failure!);
        else assertEffect(op, r, state, after);
        assertKeysAgree(op, r, state, before, after);
      });
    }
  }

  /** The error says what happened and what to do; an adopted key is named by `.id`. */
  function assertFailureSays(error: NonNullable<Run["error"]>, f: Failure): void {
    const m = error.message;
    assert.match(m, f.what, m);
    assert.equal(error.id, undefined, "nothing adopted");
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
        assert.equal(
          after.find((k) => String(k.id) === state!.id),
          undefined,
          "the key is revoked",
        );
        break;
      case "list":
        assert.deepEqual(
          (r.value as { id: number }[]).map((k) => k.id),
          after.map((k) => k.id),
        );
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
      assert.ok(!r.error || after.length === before.length, "a failed create leaves no key");
      // Every POST carries a fresh create marker, never the declared label; a POST is sent again
      // only after a 429 (the API did not act) or a listing that looked for the previous marker.
      const reqs = emu.requests;
      const posts = reqs.filter((q) => q.method === "POST");
      const marker = (q: (typeof posts)[number]) => (q.body as { label?: string }).label ?? "";
      for (const q of posts) assert.match(marker(q), MARKER_FORM);
      posts.forEach((q, i) => {
        if (i > 0 && posts[i - 1].status !== 429) assert.notEqual(marker(q), marker(posts[i - 1]), "a new marker unless the API did not act (429)");
      });
      reqs.forEach((q, i) => {
        if (q.method !== "POST" || i === reqs.findIndex((x) => x.method === "POST")) return;
        const prev = reqs
          .slice(0, i)
          .filter((x) => x.method === "POST")
          .pop()!;
        const between = reqs.slice(reqs.indexOf(prev) + 1, i);
        assert.ok(prev.status === 429 || between.some((x) => x.method === "GET"), `POST repeated after ${prev.status} without a listing`);
      });
      // Only this create's own keys are ever revoked: those that carried one of its markers.
      const revoked = reqs.filter((q) => q.method === "DELETE").map((q) => Number(q.path.split("/").pop()));
      for (const id of revoked) assert.ok(!before.some((k) => k.id === id), `key ${id} existed before the create and was revoked`);
    } else if (op !== "delete" || r.error) {
      assert.ok(
        after.some((k) => String(k.id) === state!.id),
        "the tracked key is still there",
      );
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

describe("unsettled creates: a create finds only its own key, by its marker", function () {
  this.timeout(20000);
  let emu: Emulator;
  let p: ObjectStorageKeyProvider;
  const LABEL = "shared-label";
  const rows: { case: string; requests: string; outcome: string; keys: number }[] = [];

  const ctx = withProvider(SETTINGS);
  after(() => printTable("Unsettled creates", rows));
  beforeEach(() => ({ emu, p } = ctx));

  const create = () => p.create({ label: LABEL, __provider: "provider-code" } as unknown as KeyInputs);
  const row = (name: string, outcome: string) => rows.push({ case: name, requests: calls(emu).join(" | "), outcome, keys: emu.keys().length });
  const touched = (ids: number[]) => emu.requests.filter((q) => q.method !== "GET" && ids.some((id) => q.path.endsWith(`/${id}`)));

  it("two keys already carry the label and the POST made a third, then failed: only the third (this POST's marker) is revoked; the create succeeds", async () => {
    const foreign = [emu.createDirect({ label: LABEL }).id, emu.createDirect({ label: LABEL }).id];
    emu.inject({ kind: "error-after-create" });
    const r = await create();
    row("2 existing + 500 after create", `created ${r.id}`);
    assert.deepEqual(shapes(emu), [
      "POST /object-storage/keys",
      "GET /object-storage/keys",
      "DELETE /object-storage/keys/{id}",
      "POST /object-storage/keys",
      "PUT /object-storage/keys/{id}",
    ]);
    assert.deepEqual(touched(foreign), [], "the keys that already carried the label are never touched");
    assert.deepEqual(
      emu
        .keys()
        .map((k) => k.id)
        .sort(),
      [...foreign, Number(r.id)].sort(),
      "no orphan",
    );
    assert.equal(r.outs!.label, LABEL);
    assert.equal(r.outs!.secret_key, emu.keys().find((k) => String(k.id) === r.id)!.secret_key);
  });

  // The chaos-proxy race (a foreign create inside a held POST) is in tests/engine/cross-stack.test.ts;
  // here the foreign key is simply there when the failed POST's key is looked for.
  it("another program made a key with the same label when the POST fails: it is never taken for this create's", async () => {
    emu.inject({ kind: "status", status: 500, ...TARGET.create, times: 1 });
    const [first] = await Promise.all([create(), Promise.resolve(emu.createDirect({ label: LABEL }))]);
    const foreign = emu.keys().find((k) => String(k.id) !== first.id)!;
    row("500 + a foreign create meanwhile", `created ${first.id}`);
    assert.deepEqual(touched([foreign.id]), []);
    assert.equal(emu.keys().length, 2);
  });

  it("the POST made a key and the listing fails too (maintenance): the error names the create label that `untracked` finds", async () => {
    emu.inject({ kind: "error-after-create" });
    emu.inject({ kind: "maintenance", method: "GET", path: COLLECTION, times: 1 });
    const e = await rejection(create);
    row("500 after create, list 503 maint.", "error");
    assert.ok(isAmbiguousCreateError(e), e.message);
    assert.equal(e.recovery.step, "look");
    const [left] = emu.keys();
    assert.equal(left.label, e.marker, "the key left behind carries the create label");
    assertMentions(e.message, "HTTP 500", "HTTP 503", "maintenance");
    assert.ok(e.message.includes(`carries the create label "${e.marker}", and \`npx linode-objkey untracked\` lists it`), e.message);
    assert.equal((e as { id?: unknown }).id, undefined, "nothing adopted");
  });

  it("this create's key cannot be revoked (DELETE in maintenance): it is handed to Pulumi without a secret", async () => {
    emu.inject({ kind: "error-after-create" });
    emu.inject({ kind: "maintenance", method: "DELETE" });
    const e = await rejection(create);
    const [key] = emu.keys();
    row("500 after create, DELETE 503 maint.", `adopted ${(e as { id?: unknown }).id}`);
    assert.ok(isAmbiguousCreateError(e), e.message);
    assert.equal((e as { id?: unknown }).id, String(key.id));
    assert.match(
      e.message,
      new RegExp(`Pulumi now tracks key ${key.id} without its secret, and the next pulumi up replaces it with a new key and revokes ${key.id}\\.$`),
    );
    const props = (e as { properties?: Record<string, unknown> }).properties!;
    assert.equal(props.secret_key, undefined, "no secret is invented");
    assert.equal(props.__provider, "provider-code");
    assert.deepEqual((e as { reasons?: string[] }).reasons, [e.message], "the engine displays reasons, so they carry the whole story");
  });

  it("the label PUT fails (maintenance): the new key is revoked, nothing is left, the error says to run up again", async () => {
    emu.inject({ kind: "maintenance", method: "PUT" });
    const e = await rejection(create);
    row("PUT 503 maint.", "error");
    assert.ok(isAmbiguousCreateError(e), e.message);
    assert.equal(e.recovery.step, "none-appeared");
    assertMentions(e.message, "503", "maintenance");
    assert.match(e.message, /run pulumi up again/);
    assert.equal(emu.keys().length, 0, "no orphan");
  });

  it("the label PUT and the revoke both fail: the key is handed to Pulumi, tracked without its secret", async () => {
    emu.inject({ kind: "maintenance", method: "PUT" });
    emu.inject({ kind: "maintenance", method: "DELETE" });
    const e = await rejection(create);
    const [key] = emu.keys();
    row("PUT + DELETE 503 maint.", `adopted ${(e as { id?: unknown }).id}`);
    assert.equal((e as { id?: unknown }).id, String(key.id));
    assert.equal((e as { properties?: Record<string, unknown> }).properties!.secret_key, undefined);
  });

  it("every POST fails (500): the create gives up after linode-objkey:maxRetries, with no key left", async () => {
    p = await providerFor(emu, { ...SETTINGS, "linode-objkey:maxRetries": "2" });
    emu.inject({ kind: "status", status: 500, ...TARGET.create, times: Infinity });
    const e = await rejection(create);
    row("500 on every POST, maxRetries 2", "error");
    assert.ok(isAmbiguousCreateError(e), e.message);
    assert.equal(emu.requests.filter((q) => q.method === "POST").length, 3);
    assertMentions(e.message, `"${LABEL}"`, "HTTP 500");
    assert.match(e.message, /run pulumi up again/);
    assert.equal(emu.keys().length, 0);
  });

  it("two creates with one label run side by side, with no listing: two requests each", async () => {
    const [a, b] = await Promise.all([create(), create()]);
    assert.notEqual(a.id, b.id);
    assert.deepEqual(
      calls(emu).filter((c) => c.startsWith("GET")),
      [],
      "no listing",
    );
    assert.equal(emu.requests.length, 4, "a POST and a PUT each");
  });
});

/**
 * Create safety: a key that existed before a create's POST is never adopted, revoked or changed,
 * under every create fault, for a foreign key (made by hand or another stack), a sibling resource's
 * key and the key being replaced (same label, create before delete). After the failing create,
 * the next `pulumi up` is played as the engine plays it: a partially created key is replaced (a
 * new key, then the adopted one revoked).
 */
describe("create safety: keys that already carry the label, under every create fault", function () {
  this.timeout(30000);
  let emu: Emulator;
  let p: ObjectStorageKeyProvider;
  const LABEL = "ci-deploy";
  const summary: { fault: string; owner: string; outcome: string; revoked: string; tracked: number; orphans: number }[] = [];

  const ctx = withProvider(SETTINGS);
  after(() => printTable("Create safety (key that already carries the label × create fault; next up played)", summary));
  beforeEach(() => ({ emu, p } = ctx));

  type Owner = "foreign" | "sibling" | "replaced";
  const OWNERS: Owner[] = ["foreign", "sibling", "replaced"];

  for (const fault of FAULT_NAMES) {
    for (const owner of OWNERS) {
      it(`${owner} key labelled like the new one, ${fault} on the POST: never adopted, never revoked; the next up converges`, async () => {
        // State: what Pulumi tracks, by resource name → key id (and whether its secret is known).
        const state = new Map<string, { id: string; outs: KeyOutputs }>();
        let existing: number;
        if (owner === "foreign") existing = emu.createDirect({ label: LABEL }).id;
        else {
          const r = await p.create({ label: LABEL, __provider: "provider-code" } as unknown as KeyInputs);
          existing = Number(r.id);
          state.set(owner === "sibling" ? "sibling" : "old", { id: r.id, outs: r.outs! });
        }
        emu.clearRequests();
        emu.inject({ ...FAULTS[fault].fault, ...TARGET.create, times: 1 });
        const newName = owner === "replaced" ? "new" : "key";
        const inputs = { label: LABEL, ...(owner === "replaced" ? { bucket_access: [] } : {}), __provider: "provider-code" } as unknown as KeyInputs;
        let outcome: string;
        try {
          const r = await p.create(inputs);
          state.set(newName, { id: r.id, outs: r.outs! });
          outcome = "created";
        } catch (e) {
          const err = e as Error & { id?: string; properties?: Record<string, unknown> };
          if (err.id !== undefined) {
            state.set(newName, { id: err.id, outs: err.properties as unknown as KeyOutputs });
            outcome = `adopted ${err.id}`;
          } else outcome = "failed";
        }
        await sleep(SLOW_MS + 50); // a late answer or late act lands now
        assert.ok(!emu.requests.some((q) => q.method !== "GET" && q.path.endsWith(`/${existing}`)), "the failing create touched no key it did not make");

        // The next `pulumi up`, no fault: create what is missing, replace what lost its secret,
        // then (replace only) revoke the old key.
        emu.clearFaults();
        const current = state.get(newName);
        if (!current) {
          const r = await p.create(inputs);
          state.set(newName, { id: r.id, outs: r.outs! });
        } else if ((await p.diff(current.id, current.outs, inputs)).replaces?.length) {
          const r = await p.create(inputs);
          await p.delete(current.id);
          state.set(newName, { id: r.id, outs: r.outs! });
        }
        if (owner === "replaced") {
          await p.delete(state.get("old")!.id);
          state.delete("old");
        }

        const ids = [...state.values()].map((v) => Number(v.id));
        const keys = emu.keys();
        const orphans = keys.filter((k) => k.id !== existing && !ids.includes(k.id));
        const revokedIds = emu.requests.filter((q) => q.method === "DELETE").map((q) => Number(q.path.split("/").pop()));
        summary.push({ fault, owner, outcome, revoked: revokedIds.join(",") || "-", tracked: state.size, orphans: orphans.length });

        assert.equal(new Set(ids).size, ids.length, `no two state entries on one key: ${ids}`);
        assert.deepEqual(
          orphans.map((k) => k.id),
          [],
          "no orphan",
        );
        if (owner === "replaced") assert.ok(!keys.some((k) => k.id === existing), "the replaced key is revoked once the new one exists");
        else {
          assert.ok(
            keys.some((k) => k.id === existing),
            `the ${owner} key is still there`,
          );
          assert.ok(!revokedIds.includes(existing), `the ${owner} key was never revoked`);
        }
        assert.equal(
          revokedIds.filter((id) => id === existing).length,
          owner === "replaced" ? 1 : 0,
          "DELETE sent at most once, and only for the replaced key",
        );
        for (const v of state.values()) assert.equal(typeof v.outs.secret_key, "string", "every tracked key has its secret after the next up");
      });
    }
  }
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
