/**
 * The engine-level suite: real `pulumi up`/`preview`/`refresh`/`destroy` runs of this provider
 * against the emulator, asserting each step on Pulumi's result and on the emulator's keys.
 * Fails (never skips) when no Pulumi CLI can be had.
 */
import { strict as assert } from "node:assert";
import { assertMentions, shapes } from "../helpers";
import { EngineRun, VERBOSE, changes, engineRun, filesUnder, severityOf, stateKeys, timed } from "./harness";

const timings: [string, number][] = [];

describe("engine: the key lifecycle under a real pulumi CLI", function () {
  // Each step builds on the state the previous one left: after a failure, stop here rather than
  // report a cascade of failures that only repeat the first (the rest are not run, never passed).
  this.bail(true);
  let run: EngineRun;
  const secrets = new Set<string>();
  const collectSecrets = () => run.emu.keys().forEach((k) => secrets.add(k.secret_key));
  const labels = () =>
    run.emu
      .keys()
      .map((k) => k.label)
      .sort();
  // Most steps run at the default verbosity; some with the most verbose logging (VERBOSE).
  const up = async (name: string, verbose = false) => {
    const r = await timed(timings, name, () => run.stack.up(run.watch(name, verbose ? VERBOSE : { color: "never" })));
    run.record(r, verbose);
    collectSecrets();
    return r;
  };
  const outputs = async () => {
    const o = await run.stack.outputs();
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v.value as string]));
  };

  before(async () => {
    run = await timed(timings, "setup (emulator, sandbox, stack)", () =>
      engineRun({
        stackName: "lifecycle",
        spec: {
          unlimited: { label: "e2e-unlimited" },
          limited: { label: "e2e-limited", bucket_access: [{ bucket_name: "e2e-bucket", permissions: "read_only", region: "us-east" }] },
          regional: { label: "e2e-regional", regions: ["us-east"] },
        },
      }),
    );
  });

  after(async () => {
    await run?.close();
    console.log("\n    engine suite timings (ms):");
    for (const [name, ms] of timings) console.log(`      ${name.padEnd(44)} ${ms}`);
  });

  /** Requests the emulator saw since it last cleared them, by method and path (key ids as `{id}`). */
  function requestCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const c of shapes(run.emu)) counts[c] = (counts[c] ?? 0) + 1;
    return counts;
  }

  it("1. up creates the program's keys, and the emulator holds exactly those", async () => {
    run.emu.clearRequests();
    const r = await up("up (create 3 keys)");
    assert.deepEqual(changes(r.summary), { create: 4 });
    assert.deepEqual(
      requestCounts(),
      { "POST /object-storage/keys": 3, "PUT /object-storage/keys/{id}": 3 },
      "per key: one POST under a create marker, one PUT of its label",
    );
    assert.deepEqual(labels(), ["e2e-limited", "e2e-regional", "e2e-unlimited"]);
    const o = await outputs();
    for (const k of run.emu.keys()) {
      const name = k.label.replace("e2e-", "");
      assert.equal(o[`${name}Id`], String(k.id));
      assert.equal(o[`${name}Secret`], k.secret_key);
    }
  });

  it("2. a second up, preview --expect-no-changes and refresh --expect-no-changes change nothing", async () => {
    run.emu.clearRequests();
    const r = await up("second up");
    assert.deepEqual(changes(r.summary), {});
    assert.deepEqual(requestCounts(), {}, "an up with nothing to change sends no request");
    const p = await timed(timings, "preview --expect-no-changes (verbose)", () =>
      run.stack.preview(run.watch("preview --expect-no-changes", { ...VERBOSE, expectNoChanges: true })),
    );
    run.record(p, true);
    run.emu.clearRequests();
    const f = await timed(timings, "refresh --expect-no-changes (verbose)", () =>
      run.stack.refresh(run.watch("refresh --expect-no-changes", { ...VERBOSE, expectNoChanges: true })),
    );
    run.record(f, true);
    assert.deepEqual(changes(f.summary), {});
    assert.deepEqual(requestCounts(), { "GET /object-storage/keys/{id}": 3 }, "refresh: one GET per key");
  });

  it("2b. bad input fails at preview, naming the property and the reason, with no API call", async () => {
    const saved = run.spec.regional;
    run.spec.regional = { label: "x", bucket_access: [{ bucket_name: "e2e-bucket", permissions: "write" as never, region: "us-east" }] };
    run.emu.clearRequests();
    try {
      const err = await run.stack.preview(run.watch("preview (bad input)", { color: "never" })).then(
        () => undefined,
        (e: Error) => e,
      );
      assert.ok(err, "preview failed");
      // Each failure names the property and says what it must be (the wrapper around it is Pulumi's).
      assertMentions(err.message, "regional", "label", "must be 3 to 50 characters long");
      assertMentions(err.message, "bucket_access[0].permissions", 'must be "read_only" or "read_write", not "write"');
      assert.equal(run.emu.requests.length, 0);
    } finally {
      run.spec.regional = saved;
    }
  });

  it("3. a label change updates in place: same id, same secret", async () => {
    const before = await outputs();
    run.spec.unlimited = { label: "e2e-unlimited-renamed" };
    run.emu.clearRequests();
    const r = await up("up (label change, verbose)", true);
    assert.deepEqual(changes(r.summary), { update: 1 });
    const after = await outputs();
    assert.equal(after.unlimitedId, before.unlimitedId);
    assert.equal(after.unlimitedSecret, before.unlimitedSecret);
    assert.deepEqual(
      run.emu.requests.filter((q) => q.method !== "GET").map((q) => [q.method, q.body]),
      [["PUT", { label: "e2e-unlimited-renamed" }]],
    );
  });

  it("4. a bucket_access change replaces the key, creating the new one before revoking the old", async () => {
    const before = await outputs();
    run.spec.limited = { label: "e2e-limited", bucket_access: [{ bucket_name: "e2e-bucket", permissions: "read_write", region: "us-east" }] };
    run.emu.clearRequests();
    const r = await up("up (bucket_access change)");
    assert.deepEqual(changes(r.summary), { replace: 1 });
    const after = await outputs();
    assert.notEqual(after.limitedId, before.limitedId);
    assert.notEqual(after.limitedSecret, before.limitedSecret);
    const writes = run.emu.requests.filter((q) => q.method !== "GET").map((q) => `${q.method} ${q.path}`);
    assert.deepEqual(writes, [
      "POST /v4/object-storage/keys",
      `PUT /v4/object-storage/keys/${after.limitedId}`,
      `DELETE /v4/object-storage/keys/${before.limitedId}`,
    ]);
    assert.equal(
      run.emu.keys().some((k) => String(k.id) === before.limitedId),
      false,
    );
    assert.equal(run.emu.keys().find((k) => String(k.id) === after.limitedId)!.bucket_access![0].permissions, "read_write");
  });

  it("5. a regions change updates in place", async () => {
    const before = await outputs();
    run.spec.regional = { label: "e2e-regional", regions: ["us-east", "us-ord"] };
    run.emu.clearRequests();
    const r = await up("up (regions change)");
    assert.deepEqual(changes(r.summary), { update: 1 });
    assert.equal((await outputs()).regionalId, before.regionalId);
    const key = run.emu.keys().find((k) => String(k.id) === before.regionalId)!;
    assert.deepEqual([...new Set(key.regions.map((x) => x.id))].sort(), ["us-east", "us-ord"]);
  });

  it("6. a label changed outside Pulumi shows in refresh, and the next up restores it", async () => {
    const id = Number((await outputs()).regionalId);
    run.emu.setLabel(id, "changed-by-hand");
    const f = await timed(timings, "refresh (label drift)", () => run.stack.refresh(run.watch("refresh (label drift)", { color: "never" })));
    run.record(f, false);
    assert.deepEqual(changes(f.summary), { update: 1 });
    assert.equal((await stateKeys(run)).regional.outputs.label, "changed-by-hand");
    await up("up (restore label)");
    assert.equal(run.emu.keys().find((k) => k.id === id)!.label, "e2e-regional");
  });

  it("7. a key revoked outside Pulumi is dropped by refresh and recreated by the next up", async () => {
    const id = Number((await outputs()).unlimitedId);
    run.emu.revoke(id);
    const f = await timed(timings, "refresh (revoked key)", () => run.stack.refresh(run.watch("refresh (revoked key)", { color: "never" })));
    run.record(f, false);
    assert.deepEqual(changes(f.summary), { delete: 1 });
    assert.equal((await stateKeys(run)).unlimited, undefined);
    const r = await up("up (recreate revoked key)");
    assert.deepEqual(changes(r.summary), { create: 1 });
    const o = await outputs();
    assert.notEqual(o.unlimitedId, String(id));
    assert.deepEqual(labels(), ["e2e-limited", "e2e-regional", "e2e-unlimited-renamed"]);
  });

  it("8a. stack export holds secret_key only as ciphertext", async () => {
    const state = await stateKeys(run);
    for (const [name, r] of Object.entries(state)) {
      const s = r.outputs.secret_key as Record<string, unknown>;
      assert.equal(typeof s, "object", `${name}.secret_key is not a secret object`);
      assert.equal(s["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270");
      assert.equal(typeof s.ciphertext, "string");
      assert.equal("plaintext" in s, false);
    }
  });

  it("9. measures the serialized provider's bytes per resource in state: one copy in inputs, one in outputs, each under 128 KiB by value", async () => {
    const state = await stateKeys(run);
    const sizes = Object.values(state).map((r) => ({
      inputs: Buffer.byteLength(String(r.inputs.__provider)),
      outputs: Buffer.byteLength(String(r.outputs.__provider)),
    }));
    const perResource = sizes[0].inputs + sizes[0].outputs;
    console.log(`      __provider in state: ${sizes[0].inputs} bytes in inputs + ${sizes[0].outputs} in outputs = ${perResource} bytes per key`);
    // The repo's provider sits outside node_modules, so it is serialized by value (the installed
    // package's reference is bounded in package.test.ts and serialization.test.ts).
    for (const s of sizes) {
      assert.equal(s.inputs, s.outputs, "the same text in inputs and outputs");
      assert.ok(s.inputs > 1024 && s.inputs < 128 * 1024, `${s.inputs} bytes per copy`);
    }
  });

  it("10. destroy leaves the emulator with no keys", async () => {
    const d = await timed(timings, "destroy (verbose)", () => run.stack.destroy(run.watch("destroy", VERBOSE)));
    run.record(d, true);
    collectSecrets();
    assert.equal(run.emu.keys().length, 0);
  });

  /** What the run must keep secret, and how a hit names it. */
  const needles = () => [run.emu.token, run.sb.passphrase, ...secrets];
  const nameOf = (n: string) => (n === run.emu.token ? "the token" : n === run.sb.passphrase ? "the passphrase" : "a secret key");
  /** `text` with every needle masked, so a failing scan does not print the secrets it found. */
  const masked = (text: string) => needles().reduce((t, n) => t.split(n).join(`<${nameOf(n)}>`), text);

  it("8b. the token, every secret key and the passphrase appear nowhere: state, backend, the sandbox's temp files, requests, output", async () => {
    assert.ok(secrets.size >= 5, `expected the run to have issued at least 5 secrets, saw ${secrets.size}`);
    // The sandbox holds the backend, PULUMI_HOME and the TMPDIR the CLI and its plugins ran with.
    assert.ok(run.sb.tmpDir && run.sb.tmpDir.startsWith(run.sb.dir), "the CLI ran with a TMPDIR inside the sandbox");
    const sources: { name: string; bytes: Buffer }[] = [
      ...run.printed.default.map((text, i) => ({ name: `cli output #${i}`, bytes: Buffer.from(text) })),
      ...filesUnder(run.sb.dir).map((f) => ({ name: f.file, bytes: f.bytes })),
      { name: "emulator request log (bodies, headers without Authorization)", bytes: Buffer.from(JSON.stringify(run.emu.requests)) },
    ];
    const hits = sources.flatMap((s) =>
      needles()
        .filter((n) => s.bytes.includes(n))
        .map((n) => `${s.name} holds ${nameOf(n)}`),
    );
    const bytes = sources.reduce((n, s) => n + s.bytes.length, 0);
    console.log(
      `      secret scan (default verbosity output, sandbox files, requests): ${sources.length} sources, ${bytes} bytes, ${needles().length} needles, ${hits.length} hits`,
    );
    assert.deepEqual(hits, []);
  });

  /** Events that hold a needle, as "op: kind: start of the message". */
  const eventHits = (keep: (e: EngineRun["events"][number]) => boolean) =>
    run.events.filter(keep).flatMap(({ op, event }) => {
      const text = JSON.stringify(event);
      const kind = severityOf(event) ? `${severityOf(event)} diagnostic` : Object.keys(event).find((k) => k.endsWith("Event"));
      const what = event.diagnosticEvent ? `: ${masked(event.diagnosticEvent.message).slice(0, 90)}` : "";
      return needles()
        .filter((n) => text.includes(n))
        .map((n) => `${op}: ${kind} holds ${nameOf(n)}${what}`);
    });

  it("8c. the engine events of every up, preview, refresh and destroy (onEvent, --event-log) hold no secret, below debug", async () => {
    const ops = [...new Set(run.events.map((e) => e.op))];
    assert.ok(
      ops.length >= 10 && ops.includes("destroy") && ops.some((o) => o.startsWith("preview")) && ops.some((o) => o.startsWith("refresh")),
      `events recorded for: ${ops.join(", ")}`,
    );
    const hits = eventHits((e) => severityOf(e.event) !== "debug");
    console.log(`      secret scan (engine events, all but debug): ${run.events.length} events of ${ops.length} operations, ${hits.length} hits`);
    assert.deepEqual(hits, []);
  });

  it("8d. debug-severity engine events hold no secret either (they reach --event-log and onEvent at default verbosity)", async () => {
    const debug = run.events.filter((e) => severityOf(e.event) === "debug");
    assert.ok(debug.length > 0, "the engine sent debug events");
    const hits = eventHits((e) => severityOf(e.event) === "debug");
    console.log(`      secret scan (engine events, debug): ${debug.length} events, ${hits.length} hits`);
    assert.deepEqual(hits, []);
  });

  it("8e. at -v=11 --debug --logflow, secrets show only in Pulumi's own RPC debug logs, never in a line of ours", async () => {
    // With -v=11 --debug --logflow, Pulumi itself logs plugin RPC payloads: values of secrets
    // included. Every hit there must be one of those engine/SDK log lines, never ours.
    const pulumiRpcLog = /(Marshaling|Unmarshaling) property for RPC\[|RegisterResource RPC finished|RegisterResourceOutputs RPC|^\s*,access_key,/;
    const verboseLines = run.printed.verbose.join("\n").split("\n");
    const leaks = verboseLines.filter((l) => needles().some((n) => l.includes(n)));
    const ours = leaks.filter((l) => !pulumiRpcLog.test(l));
    console.log(
      `      secret scan (-v=11 --debug --logflow output): ${verboseLines.length} lines, ${Buffer.byteLength(verboseLines.join("\n"))} bytes; ` +
        `${leaks.length} lines hold a needle, all in Pulumi's own RPC debug logs: ${ours.length === 0}`,
    );
    assert.deepEqual(
      ours.map((l) => masked(l).slice(0, 120)),
      [],
    );
  });
});
