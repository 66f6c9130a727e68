/**
 * The engine under faults and load: the API going silent partway through an `up`, an `up`
 * interrupted with SIGINT, and 200 keys against the live write limit (scaled down in time).
 * Each run must converge: the emulator ends with exactly the keys the program declares.
 */
import { strict as assert } from "node:assert";
import type { ObjectStorageKeyArgs } from "../../provider";
import { EngineRun, changes, engineRun, stateKeys } from "./harness";
import { waitFor } from "../helpers";

function manyKeys(prefix: string, n: number): Record<string, ObjectStorageKeyArgs> {
  const spec: Record<string, ObjectStorageKeyArgs> = {};
  for (let i = 0; i < n; i++) spec[`${prefix}-${i}`] = { label: `${prefix}-${i}` };
  return spec;
}

/** Asserts the emulator holds exactly the declared labels, once each, and state agrees. */
async function assertConverged(run: EngineRun): Promise<void> {
  const declared = Object.values(run.spec)
    .map((a) => a.label as string)
    .sort();
  const held = run.emu
    .keys()
    .map((k) => k.label)
    .sort();
  assert.deepEqual(held, declared, "the emulator holds exactly the declared keys, no duplicate, no orphan");
  const state = await stateKeys(run);
  assert.deepEqual(Object.keys(state).sort(), Object.keys(run.spec).sort());
  const ids = new Set(run.emu.keys().map((k) => String(k.id)));
  for (const r of Object.values(state)) assert.ok(ids.has(r.id), `state id ${r.id} is a live key`);
}

describe("engine: faults and load", function () {
  it("the API stops answering partway through an up of many keys, then comes back: refresh and up converge", async () => {
    const run = await engineRun({
      stackName: "outage",
      spec: manyKeys("outage", 20),
      config: { "linode-objkey:timeoutMs": "800", "linode-objkey:maxRetries": "1", "linode:minRetryDelayMs": "50", "linode:maxRetryDelayMs": "200" },
    });
    try {
      const up = run.stack.up({ color: "never", parallel: 4 }).then(
        () => "ok",
        (e: Error) => e,
      );
      await waitFor(() => run.emu.keys().length >= 5, 60000);
      run.emu.pause();
      await new Promise((r) => setTimeout(r, 3000));
      run.emu.resume();
      const first = await up;
      const afterOutage = run.emu.keys().length;
      const refresh = await run.stack.refresh({ color: "never", clearPendingCreates: true });
      const second = await run.stack.up({ color: "never" });
      console.log(
        `      outage: first up ${first === "ok" ? "succeeded" : "failed"}, ${afterOutage}/20 keys after it; ` +
          `refresh ${JSON.stringify(changes(refresh.summary))}; second up ${JSON.stringify(changes(second.summary))}`,
      );
      await assertConverged(run);
      assert.deepEqual(changes((await run.stack.up({ color: "never" })).summary), {}, "and stays converged");
      await run.stack.destroy({ color: "never" });
      assert.equal(run.emu.keys().length, 0);
    } finally {
      await run.close();
    }
  });

  it("an up interrupted with SIGINT: refresh and up converge", async () => {
    const run = await engineRun({ stackName: "sigint", spec: manyKeys("sigint", 12) });
    try {
      run.emu.inject({ kind: "delay", ms: 400, method: "POST", times: Infinity });
      const abort = new AbortController();
      const up = run.stack.up({ color: "never", parallel: 2, signal: abort.signal }).then(
        () => "ok",
        (e: Error) => e,
      );
      await waitFor(() => run.emu.keys().length >= 3, 60000);
      abort.abort();
      const first = await up;
      run.emu.clearFaults();
      const afterInterrupt = run.emu.keys().length;
      const inState = Object.keys(await stateKeys(run)).length;
      const refresh = await run.stack.refresh({ color: "never", clearPendingCreates: true });
      const second = await run.stack.up({ color: "never" });
      console.log(
        `      SIGINT: first up ${first === "ok" ? "finished" : "was interrupted"}; ${afterInterrupt}/12 keys on the API, ${inState} in state; ` +
          `refresh ${JSON.stringify(changes(refresh.summary))}; second up ${JSON.stringify(changes(second.summary))}`,
      );
      assert.notEqual(first, "ok", "the up was interrupted");
      assert.equal(inState, afterInterrupt, "every key the API made before the interrupt is in state");
      await assertConverged(run);
      await run.stack.destroy({ color: "never" });
      assert.equal(run.emu.keys().length, 0);
    } finally {
      await run.close();
    }
  });

  it("200 keys against the live write limit (60 per window, window scaled from 60 s to 10 s): all created, no duplicate, 429s waited out within twice the best possible time", async () => {
    const windowMs = 10000;
    const limit = 60;
    const n = 200;
    // Set, not left to the engine's default, which depends on the machine (8 on 2 cores), so the
    // number of writes in flight, and with it the number of 429s a window boundary can cause, is known.
    const parallel = 8;
    // The package as users install it: its serialized provider is mostly a require() reference,
    // which keeps state (and so the engine's checkpoints) small.
    // 200 keys: an account whose 100-key limit Linode raised (the limit has its own test, key-limit.test.ts).
    const run = await engineRun({ stackName: "load", spec: manyKeys("load", n), emulator: { writeLimit: { limit, windowMs }, keyLimit: 1000 }, packed: true });
    try {
      const start = Date.now();
      const up = await run.stack.up({ color: "never", parallel });
      const upMs = Date.now() - start;
      const upLimited = run.emu.stats.rateLimited;
      const providerBytes = Buffer.byteLength(String(Object.values(await stateKeys(run))[0].outputs.__provider));
      assert.equal(up.summary.resourceChanges?.create, n + 1);
      await assertConverged(run);
      const posts = run.emu.requests.filter((r) => r.method === "POST");
      assert.equal(posts.filter((r) => r.status === 200).length, n, "one successful POST per key");

      const dStart = Date.now();
      await run.stack.destroy({ color: "never", parallel });
      const destroyMs = Date.now() - dStart;
      const destroyLimited = run.emu.stats.rateLimited - upLimited;
      assert.equal(run.emu.keys().length, 0);

      // A create is two writes (its POST and its label PUT): 2n writes. The limit allows `limit`
      // writes per window (one window for every write: undocumented, assumed by the emulator), so
      // they need at least ceil(2n/limit)-1 full windows.
      assert.equal(run.emu.requests.filter((r) => r.method === "PUT" && r.status === 200).length, n, "one label PUT per key");
      const boundaries = Math.ceil((2 * n) / limit) - 1;
      const minimumMs = boundaries * windowMs;
      console.log(
        `      load: up of ${n} keys took ${upMs} ms (limit allows at best ${minimumMs} ms; ratio ${(upMs / minimumMs).toFixed(2)}), ${upLimited} answers were 429; __provider ${providerBytes} bytes per copy`,
      );
      console.log(`      load: destroy of ${n} keys took ${destroyMs} ms (${destroyLimited} answers were 429)`);
      // The limit was reached: without 429s this test would not test waiting on them.
      assert.ok(upLimited > 0, "the up met the write limit (429 answers)");
      assert.ok(destroyLimited > 0, "the destroy met the write limit (429 answers)");
      // A write answered 429 waits for Retry-After (the seconds left in the window, rounded up), so
      // each write in flight meets at most one 429 per window boundary; retrying sooner would add more.
      assert.ok(upLimited <= parallel * boundaries, `${upLimited} answers were 429; at most ${parallel * boundaries} (one per write in flight per boundary)`);
      // Above the best possible: Retry-After's whole seconds (at most 1 s per boundary) and the
      // engine's own work for 200 keys (4.57 s unloaded, docs/bench/results.md; much of it overlaps
      // the waits). Measured 1.14 to 1.37 on 2 cores shared with other jobs (load average 7);
      // twice the best possible leaves room for a loaded machine, while waiting an extra window at
      // each boundary (65 s and more) exceeds it.
      assert.ok(upMs <= 2 * minimumMs, `the up took ${upMs} ms, more than twice the best possible ${minimumMs} ms`);
    } finally {
      await run.close();
    }
  });
});
