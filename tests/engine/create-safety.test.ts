/**
 * Issue 7 through the real engine: what `pulumi up` displays and what state holds when a create
 * fails ambiguously, a key that already carries the label is never touched, a wrong endpoint
 * never empties state, stale settings are explained, a random-fault load converges, and keys left
 * by a killed `pulumi up` are found with `linode-objkey untracked`.
 */
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import type { ObjectStorageKeyArgs } from "../../provider";
import { ChaosProxy, startChaosProxy } from "../chaos-proxy";
import { assertMentions } from "../helpers";
import { EngineRun, assertAccountHolds, changes, engineRun, killUpMidCreates, stateKeys } from "./harness";

const execFileAsync = promisify(execFile);
const QUICK = { "linode-objkey:timeoutMs": "400", "linode:minRetryDelayMs": "10", "linode:maxRetryDelayMs": "100" };

/** Runs `op`, returning what the engine displayed and whether it failed. */
async function displayed(op: (onOutput: (s: string) => void) => Promise<unknown>): Promise<{ ok: boolean; out: string }> {
  let out = "";
  const onOutput = (s: string) => (out += s);
  try {
    await op(onOutput);
    return { ok: true, out };
  } catch (e) {
    return { ok: false, out: out + String((e as Error).message) };
  }
}

const deletes = (run: EngineRun) => run.emu.requests.filter((r) => r.method === "DELETE").map((r) => Number(r.path.split("/").pop()));

describe("engine: create safety (issue 7)", function () {
  it("a hand-made key carries the label and the POST fails: it is never adopted or revoked, and the create succeeds on its own key", async () => {
    const run = await engineRun({ stackName: "foreign", spec: { deploy: { label: "ci-deploy" } }, config: QUICK });
    try {
      const foreign = run.emu.createDirect({ label: "ci-deploy" });
      run.emu.inject({ kind: "status", status: 500, method: "POST" });
      const first = await displayed((onOutput) => run.stack.up({ color: "never", onOutput }));
      assert.ok(first.ok, first.out);
      const state = await stateKeys(run);
      assert.notEqual(state.deploy.id, String(foreign.id));
      assert.equal(state.deploy.outputs.label, "ci-deploy");
      assert.deepEqual(changes((await run.stack.up({ color: "never" })).summary), {}, "no change on the next up");
      await run.stack.destroy({ color: "never" });
      assert.deepEqual(
        run.emu.keys().map((k) => k.id),
        [foreign.id],
        "the hand-made key is still there",
      );
      assert.ok(!run.emu.requests.some((q) => q.method !== "GET" && q.path.endsWith(`/${foreign.id}`)), "and was never sent a PUT or DELETE");
    } finally {
      await run.close();
    }
  });

  it("a POST answered 500 after it created the key, which cannot be revoked: the engine displays that Pulumi tracks it; the next up replaces it", async () => {
    const run = await engineRun({ stackName: "adopt", spec: { k: { label: "adopt-me" } }, config: QUICK });
    try {
      run.emu.inject({ kind: "error-after-create" });
      run.emu.inject({ kind: "maintenance", method: "DELETE" });
      const first = await displayed((onOutput) => run.stack.up({ color: "never", onOutput }));
      const [made] = run.emu.keys();
      assert.equal(first.ok, false);
      assert.match(
        first.out,
        new RegExp(`Pulumi now tracks key ${made.id} without its secret, and the next pulumi up replaces it with a new key and revokes ${made.id}`),
      );
      assert.equal((await stateKeys(run)).k.id, String(made.id), "state tracks the key the failed create made");

      run.emu.clearRequests();
      const second = await run.stack.up({ color: "never" });
      assert.deepEqual(changes(second.summary), { replace: 1 });
      const writes = run.emu.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.status}`);
      assert.deepEqual(writes, ["POST 200", "PUT 200", "DELETE 200"], "create (POST, label PUT) before delete");
      assert.deepEqual(deletes(run), [made.id]);
      const state = await stateKeys(run);
      assert.deepEqual(
        run.emu.keys().map((k) => String(k.id)),
        [state.k.id],
        "exactly the declared key",
      );
      assert.equal(state.k.outputs.label, "adopt-me");
      assert.equal(typeof (await run.stack.outputs()).kSecret.value, "string");
      await run.stack.destroy({ color: "never" });
    } finally {
      await run.close();
    }
  });

  it("a replace that keeps the label, with the POST answered 500 after it created the key: one up converges, no orphan, no DELETE twice", async () => {
    const spec: Record<string, ObjectStorageKeyArgs> = { k: { label: "same-label" } };
    const run = await engineRun({ stackName: "replace-same-label", spec, config: QUICK });
    try {
      await run.stack.up({ color: "never" });
      const old = Number((await stateKeys(run)).k.id);
      spec.k = { label: "same-label", bucket_access: [] };
      run.emu.inject({ kind: "error-after-create" });
      const replaced = await displayed((onOutput) => run.stack.up({ color: "never", onOutput }));
      assert.ok(replaced.ok, replaced.out);
      const state = await stateKeys(run);
      assert.deepEqual(
        run.emu.keys().map((k) => String(k.id)),
        [state.k.id],
        "exactly the declared key, no orphan",
      );
      const d = deletes(run);
      assert.equal(new Set(d).size, d.length, `no DELETE twice: ${d}`);
      assert.deepEqual(d.length, 2, "the failed create's own key, then the replaced key");
      assert.equal(d[1], old, "the replaced key is revoked last");
      assert.deepEqual(changes((await run.stack.up({ color: "never" })).summary), {});
      await run.stack.destroy({ color: "never" });
      assert.equal(run.emu.keys().length, 0);
    } finally {
      await run.close();
    }
  });

  it("a wrong API version never empties state: refresh and destroy fail naming linode:url and linode:apiVersion", async () => {
    const run = await engineRun({ stackName: "wrong-version", spec: { a: { label: "wrong-version-a" }, b: { label: "wrong-version-b" } }, config: QUICK });
    try {
      await run.stack.up({ color: "never" });
      await run.stack.setConfig("linode:apiVersion", { value: "v5" });
      const refresh = await displayed((onOutput) => run.stack.refresh({ color: "never", runProgram: true, onOutput }));
      assert.equal(refresh.ok, false);
      assertMentions(refresh.out, "linode:apiVersion");
      assert.equal(Object.keys(await stateKeys(run)).length, 2, "state still tracks both keys");
      const destroy = await displayed((onOutput) => run.stack.destroy({ color: "never", runProgram: true, onOutput }));
      assert.equal(destroy.ok, false, "destroy does not report success while the keys stay live");
      assert.equal(run.emu.keys().length, 2);
      await run.stack.removeConfig("linode:apiVersion");
      await run.stack.destroy({ color: "never", runProgram: true });
      assert.equal(run.emu.keys().length, 0);
    } finally {
      await run.close();
    }
  });

  it("after a token rotation, refresh says to use --run-program, and refresh --run-program works", async () => {
    const oldToken = "old-token-0123456789abcdef";
    const newToken = "new-token-0123456789abcdef";
    const run = await engineRun({ stackName: "rotation", spec: { k: { label: "rotated" } }, emulator: { tokens: [oldToken, newToken] }, config: QUICK });
    const proxy = await startChaosProxy({ target: run.emu.url, rate: 0, seed: 1, slowMs: 0, lateMs: 0 });
    try {
      await run.stack.setAllConfig({ "linode:url": { value: proxy.url }, "linode:token": { value: oldToken, secret: true } });
      await run.stack.up({ color: "never" });
      proxy.revokeToken(oldToken);
      await run.stack.setConfig("linode:token", { value: newToken, secret: true });
      const stale = await displayed((onOutput) => run.stack.refresh({ color: "never", onOutput }));
      assert.equal(stale.ok, false, "refresh uses the token recorded at the last up");
      assert.match(stale.out, /HTTP 401: Invalid Token/);
      assert.match(stale.out, /run them with --run-program \(pulumi refresh --run-program, pulumi destroy --run-program\)/);
      const fresh = await run.stack.refresh({ color: "never", runProgram: true });
      assert.deepEqual(changes(fresh.summary), {});
      await run.stack.destroy({ color: "never", runProgram: true });
      assert.equal(run.emu.keys().length, 0);
    } finally {
      await proxy.close();
      await run.close();
    }
  });
});

describe("engine: random faults on every request (issue 7)", function () {
  const N = 100;
  const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 100000);

  it(`${N} keys, unique and shared labels, 20% faults of every kind, seed ${seed}: 0 orphans, 0 foreign keys touched, 0 duplicate state entries`, async () => {
    const spec: Record<string, ObjectStorageKeyArgs> = {};
    for (let i = 0; i < N; i++) spec[`key-${i}`] = { label: i < 60 ? `unique-${i}` : `shared-${i % 5}` };
    // 100 keys, foreign keys and replacements exceed the live 100-key limit: an account whose limit was raised.
    const run = await engineRun({ stackName: "chaos", spec, emulator: { keyLimit: 1000 }, config: { ...QUICK, "linode-objkey:maxRetries": "8" } });
    let proxy: ChaosProxy | undefined;
    try {
      const foreign = [0, 1, 2, 3, 4].map((i) => run.emu.createDirect({ label: `shared-${i}` }));
      proxy = await startChaosProxy({ target: run.emu.url, rate: 0.2, seed, slowMs: 700, lateMs: 600 });
      await run.stack.setConfig("linode:url", { value: proxy.url });

      const rounds: string[] = [];
      let converged = false;
      for (let round = 1; round <= 12 && !converged; round++) {
        const r = await displayed((onOutput) => run.stack.up({ color: "never", continueOnError: true, onOutput }));
        converged = r.ok;
        rounds.push(`up ${round}: ${r.ok ? "ok" : "failed"} (${run.emu.keys().length - foreign.length} keys)`);
      }
      proxy.setRate(0);
      const check = await run.stack.up({ color: "never" });
      const state = await stateKeys(run);
      const ids = Object.values(state).map((r) => Number(r.id));
      const live = run.emu.keys().map((k) => k.id);
      const foreignIds = foreign.map((k) => k.id);
      const orphans = live.filter((id) => !ids.includes(id) && !foreignIds.includes(id));
      const touched = run.emu.requests.filter((q) => q.method !== "GET" && foreignIds.some((id) => q.path.endsWith(`/${id}`)));
      console.log(`      chaos seed ${seed}: ${rounds.join("; ")}; faults ${JSON.stringify(proxy.stats)}`);
      console.log(
        `      chaos: ${orphans.length} orphans, ${touched.length} requests on foreign keys, ${ids.length - new Set(ids).size} duplicate state entries; check up ${JSON.stringify(changes(check.summary))}`,
      );
      assert.ok(converged, `no up succeeded in 12 rounds (seed ${seed})`);
      assert.deepEqual(changes(check.summary), {}, "converged: a fault-free up changes nothing");
      assert.equal(Object.keys(state).length, N);
      assert.equal(new Set(ids).size, ids.length, "no two state entries on one key");
      assert.deepEqual(orphans, [], `orphans (seed ${seed})`);
      assert.deepEqual(
        touched.map((q) => `${q.method} ${q.path}`),
        [],
        "no foreign key touched",
      );
      for (const id of ids) assert.ok(live.includes(id), `tracked key ${id} is live`);
      for (const r of Object.values(state)) {
        const secret = r.outputs.secret_key as { ciphertext?: unknown } | null | undefined;
        assert.equal(typeof secret?.ciphertext, "string", "every tracked key has its (encrypted) secret");
      }

      proxy.setRate(0.2);
      let destroyed = false;
      for (let round = 1; round <= 12 && !destroyed; round++)
        destroyed = (await displayed(() => run.stack.destroy({ color: "never", continueOnError: true }))).ok;
      assert.ok(destroyed, `destroy did not succeed in 12 rounds (seed ${seed})`);
      assert.deepEqual(
        run.emu.keys().map((k) => k.id),
        foreignIds,
        "only the foreign keys remain, untouched",
      );
    } finally {
      await proxy?.close();
      await run.close();
    }
  });
});

describe("engine: after a killed pulumi up (issue 7 §6)", function () {
  it("SIGKILL during creates; after recovery, linode-objkey untracked names exactly the orphans and revokes them", async () => {
    const spec: Record<string, ObjectStorageKeyArgs> = {};
    for (let i = 0; i < 12; i++) spec[`k${i}`] = { label: `killed-${i}` };
    const run = await engineRun({ stackName: "sigkill", spec, config: { ...QUICK, "linode-objkey:timeoutMs": "10000" } });
    try {
      await killUpMidCreates(run, 4);

      const env = { ...process.env, ...run.sb.envVars };
      const pulumi = (...args: string[]) =>
        execFileAsync(run.sb.pulumiBin, [...args, "--stack", "sigkill", "--non-interactive"], { cwd: run.sb.workDir, env, maxBuffer: 1 << 30 });
      await pulumi("cancel", "--yes").catch(() => undefined); // the file backend may hold a lock
      await run.stack.refresh({ color: "never", clearPendingCreates: true });
      await run.stack.up({ color: "never" });
      const tracked = Object.values(await stateKeys(run)).map((r) => Number(r.id));
      const orphans = run.emu
        .keys()
        .map((k) => k.id)
        .filter((id) => !tracked.includes(id));
      console.log(`      SIGKILL: ${run.emu.keys().length} keys live after recovery, ${tracked.length} tracked, ${orphans.length} orphans (${orphans})`);
      assert.ok(orphans.length > 0, "the kill left orphans (the scenario is not vacuous)");
      for (const k of run.emu.keys()) if (orphans.includes(k.id)) assert.match(k.label, /^pulumi-objkey-create-/, "an orphan carries its create marker");

      const exportFile = path.join(run.sb.dir, "export.json");
      fs.writeFileSync(exportFile, (await pulumi("stack", "export")).stdout);
      const cli = path.resolve(__dirname, "../../provider/cli.js");
      const cliEnv = { ...process.env, LINODE_TOKEN: run.emu.token, LINODE_URL: run.emu.url };
      const listed = JSON.parse(
        (await execFileAsync(process.execPath, [cli, "untracked", "--state", exportFile, "--min-age", "0", "--json"], { env: cliEnv })).stdout,
      ) as {
        id: number;
      }[];
      assert.deepEqual(listed.map((k) => k.id).sort(), [...orphans].sort(), "untracked lists exactly the orphans");
      const refused = await execFileAsync(process.execPath, [cli, "untracked", "--state", exportFile, "--min-age", "0", "--revoke", String(tracked[0])], {
        env: cliEnv,
      }).then(
        () => "accepted",
        (e: { stderr: string }) => e.stderr,
      );
      assert.match(refused, /not among the untracked keys/, "a tracked key is never revoked by the tool");
      await execFileAsync(process.execPath, [cli, "untracked", "--state", exportFile, "--min-age", "0", "--revoke", orphans.join(",")], { env: cliEnv });
      assertAccountHolds(run, tracked);
      await run.stack.destroy({ color: "never" });
      assert.equal(run.emu.keys().length, 0);
    } finally {
      await run.close();
    }
  });
});
