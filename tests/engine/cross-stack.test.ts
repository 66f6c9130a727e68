/**
 * Issue 16 through the real engine: two stacks on one account declare keys with the same label.
 * A create whose outcome is unknown must find only its own key, so neither stack ever adopts,
 * changes or revokes a key the other made, and any orphan is found by the create marker alone.
 */
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import type { ObjectStorageKeyArgs } from "../../provider";
import { startChaosProxy } from "../chaos-proxy";
import { EngineRun, changes, engineRun, stateKeys } from "./harness";

const execFileAsync = promisify(execFile);
const QUICK = { "linode-objkey:timeoutMs": "400", "linode:minRetryDelayMs": "10", "linode:maxRetryDelayMs": "100" };

async function attempt(op: (onOutput: (s: string) => void) => Promise<unknown>): Promise<{ ok: boolean; out: string }> {
  let out = "";
  try {
    await op((s) => (out += s));
    return { ok: true, out };
  } catch (e) {
    return { ok: false, out: out + String((e as Error).message) };
  }
}

const trackedIds = async (run: EngineRun) => Object.values(await stateKeys(run)).map((r) => Number(r.id));

/** `linode-objkey untracked` with no export at all, as JSON. */
async function untrackedByMarker(run: EngineRun): Promise<{ id: number; label: string }[]> {
  const cli = path.resolve(__dirname, "../../provider/cli.js");
  const env = { ...process.env, LINODE_TOKEN: run.emu.token, LINODE_URL: run.emu.url };
  const { stdout } = await execFileAsync(process.execPath, [cli, "untracked", "--no-state", "--min-age", "0", "--json"], { env });
  return JSON.parse(stdout) as { id: number; label: string }[];
}

/** Points `b` at `a`'s account: one emulator, two stacks with their own backends. */
async function sameAccount(a: EngineRun, b: EngineRun, url = a.emu.url): Promise<void> {
  await b.stack.setAllConfig({ "linode:url": { value: url }, "linode:token": { value: a.emu.token, secret: true } });
}

describe("engine: two stacks, one label (issue 16)", function () {
  it("A's POST fails with 500 while B creates a key with the same label: A never adopts, changes or revokes B's key", async () => {
    const label = "shared-label";
    const a = await engineRun({ stackName: "stack-a", spec: { k: { label } }, config: { ...QUICK, "linode-objkey:timeoutMs": "120000" } });
    const b = await engineRun({ stackName: "stack-b", spec: { k: { label } }, config: QUICK });
    let held = false;
    // A's first POST is held while B runs a whole `up`, then answered 500 without reaching the API.
    const proxy = await startChaosProxy({
      target: a.emu.url,
      rate: 0,
      seed: 1,
      slowMs: 0,
      lateMs: 0,
      before: async ({ method }) => {
        if (method !== "POST" || held) return undefined;
        held = true;
        await b.stack.up({ color: "never" });
        return { status: 500, reason: "Internal Server Error" };
      },
    });
    try {
      await sameAccount(a, b);
      await a.stack.setConfig("linode:url", { value: proxy.url });
      const violations: string[] = [];
      const first = await attempt((onOutput) => a.stack.up({ color: "never", onOutput }));
      const bKey = Number((await stateKeys(b)).k.id);
      if ((await trackedIds(a)).includes(bKey)) violations.push(`after A's first up (${first.ok ? "ok" : "failed"}), A's state tracks B's key ${bKey}`);
      const second = await attempt((onOutput) => a.stack.up({ color: "never", onOutput }));
      if ((await trackedIds(a)).includes(bKey)) violations.push(`after A's second up, A's state tracks B's key ${bKey}`);
      const touched = proxy.writes.filter((w) => w.endsWith(`/${bKey}`));
      if (touched.length) violations.push(`A sent ${touched.join(", ")} to B's key`);
      if (!a.emu.keys().some((k) => k.id === bKey)) violations.push(`B's key ${bKey} was revoked`);
      assert.deepEqual(violations, [], `A's outputs:\n${first.out}\n${second.out}`);

      assert.ok(second.ok, "A converges");
      assert.deepEqual(changes((await b.stack.up({ color: "never" })).summary), {}, "B sees no change");
      const aKey = Number((await stateKeys(a)).k.id);
      assert.deepEqual(
        a.emu
          .keys()
          .map((k) => k.id)
          .sort(),
        [aKey, bKey].sort(),
        "the account holds each stack's key and nothing else",
      );
      await a.stack.destroy({ color: "never" });
      assert.deepEqual(
        a.emu.keys().map((k) => k.id),
        [bKey],
        "destroying A leaves B's key",
      );
      await b.stack.destroy({ color: "never" });
    } finally {
      await proxy.close();
      await b.close();
      await a.close();
    }
  });

  const SEEDS = Number(process.env.CROSS_STACK_SEEDS ?? 50);
  const base = Number(process.env.CHAOS_SEED ?? Date.now() % 100000);

  it(`${SEEDS} seeded runs of parallel creates with one shared label, faults on POST and PUT (seeds ${base}..${base + SEEDS - 1}): no stack touches the other's keys; orphans only by marker`, async () => {
    const spec = (limited: boolean): Record<string, ObjectStorageKeyArgs> => {
      const out: Record<string, ObjectStorageKeyArgs> = {};
      for (let i = 0; i < 3; i++) out[`k${i}`] = limited ? { label: "shared", bucket_access: [] } : { label: "shared" };
      return out;
    };
    const config = { ...QUICK, "linode-objkey:maxRetries": "6" };
    const a = await engineRun({ stackName: "seeded-a", spec: spec(false), config });
    const b = await engineRun({ stackName: "seeded-b", spec: spec(false), config });
    // A late act (1.5 s) outlasts the client's timeout and its looks (0.4 s + 0.4 s): it leaves an orphan that only its marker names.
    const faulty = { rate: 0.3, slowMs: 700, lateMs: 1500, methods: ["POST", "PUT"] };
    const pa = await startChaosProxy({ target: a.emu.url, seed: base, ...faulty });
    const pb = await startChaosProxy({ target: a.emu.url, seed: base + 7919, ...faulty });
    try {
      await a.stack.setConfig("linode:url", { value: pa.url });
      await sameAccount(a, b, pb.url);
      const violations: string[] = [];
      const report: string[] = [];
      for (let seed = base; seed < base + SEEDS; seed++) {
        // Each run replaces every key of both stacks (create before delete) under fresh faults.
        a.spec = spec(seed % 2 === 1);
        b.spec = spec(seed % 2 === 1);
        pa.setSeed(seed);
        pb.setSeed(seed + 7919);
        let rounds = 0;
        for (let done = [false, false]; !done.every(Boolean) && rounds < 10; rounds++) {
          done = await Promise.all(
            [a, b].map(async (run, i) => done[i] || (await attempt((onOutput) => run.stack.up({ color: "never", continueOnError: true, onOutput }))).ok),
          );
        }
        const [ta, tb] = [await trackedIds(a), await trackedIds(b)];
        for (const [me, other, mine, theirs, tracked] of [
          ["A", "B", pa, pb, ta],
          ["B", "A", pb, pa, tb],
        ] as const) {
          for (const id of tracked) if (theirs.created.has(id)) violations.push(`seed ${seed}: ${me} tracks ${other}'s key ${id}`);
          for (const w of mine.writes)
            if ([...theirs.created].some((id) => w.endsWith(`/${id}`))) violations.push(`seed ${seed}: ${me} sent ${w} to ${other}'s key`);
        }
        if (rounds >= 10) violations.push(`seed ${seed}: no convergence in 10 rounds`);
        report.push(`${seed}:${rounds}`);
      }
      await a.stack.setConfig("linode:url", { value: a.emu.url });
      await sameAccount(a, b);
      assert.deepEqual(changes((await a.stack.up({ color: "never" })).summary), {}, "A converged");
      assert.deepEqual(changes((await b.stack.up({ color: "never" })).summary), {}, "B converged");
      const tracked = [...(await trackedIds(a)), ...(await trackedIds(b))];
      assert.equal(new Set(tracked).size, 6, "six distinct keys in the two states");
      const orphans = a.emu
        .keys()
        .map((k) => k.id)
        .filter((id) => !tracked.includes(id));
      const listed = (await untrackedByMarker(a)).map((k) => k.id);
      console.log(`      ${SEEDS} seeds (seed:rounds) ${report.join(" ")}; ${orphans.length} orphans, ${listed.length} listed by marker`);
      assert.deepEqual(violations, []);
      assert.deepEqual([...listed].sort(), [...orphans].sort(), "every orphan is found by its create marker alone, and nothing else is");
      await a.stack.destroy({ color: "never" });
      await b.stack.destroy({ color: "never" });
    } finally {
      await Promise.all([pa.close(), pb.close()]);
      await b.close();
      await a.close();
    }
  });
});
