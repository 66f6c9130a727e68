/**
 * `npm run bench`: what a stack of N keys costs, paired against reference providers in one run.
 *
 * Engine runs use the real Pulumi CLI (tools/sandbox.ts: file backend, passphrase secrets),
 * this package as installed from its `npm pack` tarball, and the emulator on loopback. Every
 * figure is repeated (`--reps`, at least 3) in an order that rotates each repetition, and
 * reported as min / median / max; ratios are paired (taken within one repetition, then
 * summarised). Progress is printed as it goes. Results land in `--out` (default docs/bench/) as
 * results.md, results.json and up-time.svg.
 *
 * Options: `--n 10,50,100,200` (key counts), `--reps 3`, `--latency-n 50`, `--lifecycle-n 10`,
 * `--calls 400` (per-call samples per variant and repetition), `--out DIR`, `--parallel P` (for
 * every up and destroy; default: the engine's), and `--short` (CI:
 * N = 10, latency N = 10, 150 calls, output in dist/bench-short/).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type * as automation from "@pulumi/pulumi/automation";
import axios from "axios";
import { Emulator, RecordedRequest, startEmulator } from "../../emulator/server";
import { objectStorageKeyProvider } from "../../provider/provider";
import { ROOT, Sandbox, createSandbox, inlineStack, packThisPackage } from "../sandbox";
import { lineChart } from "./chart";
import { installTarball, serializedProviderText } from "../installed";
import { RefResource, noopProvider } from "./providers";
import { Spread, fmtSpread, quantile, rotate, spread } from "./stats";

/** What to run. */
interface Options {
  ns: number[];
  reps: number;
  latencyN: number;
  latencyMs: number;
  lifecycleN: number;
  calls: number;
  out: string;
  short: boolean;
  /** `--parallel` for every up and destroy; undefined: the engine's default. */
  parallel?: number;
}

function parseOptions(argv: string[]): Options {
  const o: Options = {
    ns: [10, 50, 100, 200],
    reps: 3,
    latencyN: 50,
    latencyMs: 200,
    lifecycleN: 10,
    calls: 400,
    out: path.join(ROOT, "docs", "bench"),
    short: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const int = (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${a}: expected a positive integer, got "${v}"`);
      return n;
    };
    if (a === "--short") Object.assign(o, { short: true, ns: [10], latencyN: 10, calls: 150, out: path.join(ROOT, "dist", "bench-short") });
    else if (a === "--n") o.ns = next().split(",").map(int);
    else if (a === "--reps") o.reps = int(next());
    else if (a === "--latency-n") o.latencyN = int(next());
    else if (a === "--lifecycle-n") o.lifecycleN = int(next());
    else if (a === "--calls") o.calls = int(next());
    else if (a === "--parallel") o.parallel = int(next());
    else if (a === "--out") o.out = path.resolve(next());
    else throw new Error(`unknown option ${a}; see tools/bench/bench.ts`);
  }
  if (o.reps < 3) throw new Error("--reps: at least 3 (min / median / max)");
  return o;
}

const t0 = Date.now();
/** Prints a progress line with the elapsed time. */
/** One repetition of the latency measurement for one provider. */
interface LatencyRow {
  rep: number;
  provider: ProviderName;
  plainUp: number;
  slowUp: number;
  plainDestroy: number;
  slowDestroy: number;
  inFlight: number;
  requestsPerCreate: number;
}

function progress(msg: string): void {
  const s = Math.round((Date.now() - t0) / 1000);
  console.log(`[${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}] ${msg}`);
}

type ProviderName = "package" | "noop" | "bare-http";
const PROVIDERS: ProviderName[] = ["package", "noop", "bare-http"];
const LABEL: Record<ProviderName, string> = {
  package: "this package (installed)",
  noop: "minimal no-op dynamic provider",
  "bare-http": "one bare http.request per call (installed)",
};

/** Keys the program declares: a count and the arguments of key i. */
interface Spec {
  n: number;
  args(i: number): Record<string, unknown>;
}
const plain = (n: number): Spec => ({ n, args: (i) => ({ label: `bench-key-${i}` }) });

/** One provider's sandbox and stack; `spec` is read by the program at each run. */
interface Target {
  name: ProviderName;
  sb: Sandbox;
  stack: automation.Stack;
  spec: Spec;
  /** The state file of the file backend. */
  stateFile: string;
}

/**
 * The bare-http floor as an installed module whose exports object is the provider, so that, like
 * this package, it is serialized as one require() and its state holds no code: what is left is
 * the API work.
 */
function installFloor(workDir: string): { RefResource: typeof RefResource; provider: pulumi.dynamic.ResourceProvider } {
  const dir = path.join(workDir, "node_modules", "objkey-bench-floor");
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "objkey-bench-floor", version: "1.0.0", main: "providers.js" }));
  fs.copyFileSync(path.join(__dirname, "providers.js"), path.join(dir, "providers.js"));
  fs.writeFileSync(path.join(dir, "bare.js"), `Object.assign(exports, require("./providers.js").bareHttpProvider);\n`);
  return { RefResource: require(path.join(dir, "providers.js")).RefResource, provider: require(path.join(dir, "bare.js")) };
}

async function makeTarget(name: ProviderName, emu: Emulator, tarball: string): Promise<Target> {
  // A packed layout (node_modules a folder of links, not one link to the repo's) for the floor too, so it can add its module.
  const sb = await createSandbox({ projectName: "objkey-bench", prefix: `objkey-bench-${name}-`, packedTarball: name === "noop" ? undefined : tarball });
  const floor = name === "bare-http" ? installFloor(sb.workDir) : undefined;
  const t: Partial<Target> = { name, sb, spec: plain(0) };
  const program = async () => {
    if (name === "package") {
      const { ObjectStorageKey } = require(path.join(sb.workDir, "node_modules", "pulumi-linode-objkey")) as typeof import("../../provider");
      for (let i = 0; i < t.spec!.n; i++) new ObjectStorageKey(`k-${i}`, t.spec!.args(i) as never);
    } else if (floor) {
      for (let i = 0; i < t.spec!.n; i++) new floor.RefResource(floor.provider, `k-${i}`, t.spec!.args(i) as { label: string });
    } else {
      for (let i = 0; i < t.spec!.n; i++) new RefResource(noopProvider, `k-${i}`, t.spec!.args(i) as { label: string });
    }
  };
  t.stack = await inlineStack(sb, "bench", "objkey-bench", program, { "linode:token": { value: emu.token, secret: true }, "linode:url": { value: emu.url } });
  t.stateFile = path.join(sb.stateDir, ".pulumi", "stacks", "objkey-bench", "bench.json");
  return t as Target;
}

/** Seconds taken by `fn`. */
async function seconds(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** The largest number of requests the emulator was answering at once. */
function maxInFlight(reqs: readonly RecordedRequest[]): number {
  const ev = reqs.flatMap((r) => [
    [r.startedAt, 1],
    [r.endedAt, -1],
  ]);
  ev.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0;
  let max = 0;
  for (const [, d] of ev) max = Math.max(max, (cur += d));
  return max;
}

/** Requests by `METHOD` (and total), divided by `n`. */
function perKey(reqs: readonly RecordedRequest[], n: number): Record<string, number> {
  const out: Record<string, number> = { total: reqs.length / n };
  for (const r of reqs) out[r.method] = (out[r.method] ?? 0) + 1 / n;
  for (const k of Object.keys(out)) out[k] = +out[k].toFixed(2);
  return out;
}

interface StateShare {
  /** Bytes per key in the state file as the backend wrote it (indented JSON). */
  fileBytesPerKey: number;
  /** Compact JSON bytes of one key's resource entry. */
  compactBytes: number;
  /** Compact JSON bytes of each `inputs.x` / `outputs.x` and of the rest of the entry. */
  shares: Record<string, number>;
}

/** Bytes of state per key, from the state file, with each property's share (compact JSON). */
function stateShare(t: Target, n: number): StateShare {
  const text = fs.readFileSync(t.stateFile, "utf8");
  const res = (JSON.parse(text) as { checkpoint: { latest: { resources?: Record<string, unknown>[] } } }).checkpoint.latest.resources ?? [];
  const keys = res.filter((r) => String(r.type).startsWith("pulumi-nodejs:dynamic"));
  if (keys.length !== n) throw new Error(`${t.name}: ${keys.length} keys in state, expected ${n}`);
  const others = res.filter((r) => !keys.includes(r));
  const othersBytes = others.reduce((s, r) => s + JSON.stringify(r, null, 4).length + 10, 0);
  const one = keys[0];
  const shares: Record<string, number> = {};
  let rest = JSON.stringify(one).length;
  for (const part of ["inputs", "outputs"] as const) {
    const obj = (one[part] ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(obj)) {
      const b = JSON.stringify({ [k]: v }).length - 2;
      shares[`${part}.${k}`] = b;
      rest -= b + 1;
    }
  }
  shares["(urn, type, id, timestamps, flags)"] = rest;
  return { fileBytesPerKey: Math.round((Buffer.byteLength(text) - othersBytes) / n), compactBytes: JSON.stringify(one).length, shares };
}

/** One `up` then `destroy` of `spec` on `t`, checked against the emulator. */
async function upDestroy(t: Target, emu: Emulator, spec: Spec, opts: { skipCheckpoints?: boolean; delayMs?: number; parallel?: number } = {}) {
  t.spec = spec;
  const env = t.stack.workspace.envVars;
  if (opts.skipCheckpoints) env.PULUMI_SKIP_CHECKPOINTS = "true";
  else delete env.PULUMI_SKIP_CHECKPOINTS;
  emu.reset();
  if (opts.delayMs) emu.inject({ kind: "delay", ms: opts.delayMs, times: Infinity });
  try {
    let summary: automation.UpResult | undefined;
    const up = await seconds(async () => (summary = await t.stack.up({ color: "never", parallel: opts.parallel })));
    const created = summary!.summary.resourceChanges?.create ?? 0;
    if (created < spec.n) throw new Error(`${t.name}: up created ${created} resources, expected ${spec.n}`);
    const apiKeys = emu.keys().length;
    if (t.name !== "noop" && apiKeys !== spec.n) throw new Error(`${t.name}: the emulator holds ${apiKeys} keys after up, expected ${spec.n}`);
    const upRequests = [...emu.requests];
    const state = opts.skipCheckpoints ? undefined : stateShare(t, spec.n);
    emu.clearRequests();
    const destroy = await seconds(() => t.stack.destroy({ color: "never", parallel: opts.parallel }));
    if (emu.keys().length !== 0) throw new Error(`${t.name}: ${emu.keys().length} keys left after destroy`);
    return { up, destroy, upRequests, destroyRequests: [...emu.requests], state };
  } finally {
    delete env.PULUMI_SKIP_CHECKPOINTS;
    emu.clearFaults();
  }
}

/** Requests per key for each step of a key's life, counted at the emulator (this package). */
async function lifecycle(t: Target, emu: Emulator, n: number) {
  const steps: { step: string; perKey: Record<string, number>; changes: Record<string, number> }[] = [];
  const run = async (step: string, fn: () => Promise<{ summary: automation.UpdateSummary }>) => {
    emu.clearRequests();
    const r = await fn();
    const changes: Record<string, number> = {};
    for (const [k, v] of Object.entries(r.summary.resourceChanges ?? {})) if (k !== "same" && v) changes[k] = v;
    steps.push({ step, perKey: perKey(emu.requests, n), changes });
    progress(`  lifecycle ${step}: ${JSON.stringify(steps[steps.length - 1].perKey)} per key; changes ${JSON.stringify(changes)}`);
  };
  emu.reset();
  t.spec = plain(n);
  await run("create (up)", () => t.stack.up({ color: "never" }));
  await run("no-op up", () => t.stack.up({ color: "never" }));
  await run("refresh", () => t.stack.refresh({ color: "never" }));
  t.spec = { n, args: (i) => ({ label: `bench-key-${i}-relabelled` }) };
  await run("update (label)", () => t.stack.up({ color: "never" }));
  t.spec = { n, args: (i) => ({ label: `bench-key-${i}-relabelled`, bucket_access: [] }) };
  await run("replace (bucket_access)", () => t.stack.up({ color: "never" }));
  await run("delete (destroy)", () => t.stack.destroy({ color: "never" }));
  // State per key for a limited key and an unlimited one, on the emulator's 18-region default account.
  const shapes: Record<string, StateShare> = {};
  const shapesSpec: Record<string, Spec> = {
    "unlimited key (18 regions)": plain(n),
    "limited key (1 bucket)": {
      n,
      args: (i) => ({ label: `bench-key-${i}`, bucket_access: [{ bucket_name: `bucket-${i}`, permissions: "read_only", region: "us-east" }] }),
    },
    "unlimited key with include_regions_details": { n, args: (i) => ({ label: `bench-key-${i}`, include_regions_details: true }) },
  };
  for (const [shape, spec] of Object.entries(shapesSpec)) {
    emu.reset();
    t.spec = spec;
    await t.stack.up({ color: "never" });
    shapes[shape] = stateShare(t, n);
    await t.stack.destroy({ color: "never" });
    progress(`  state of a ${shape}: ${shapes[shape].fileBytesPerKey} bytes per key in the file`);
  }
  return { steps, shapes };
}

/** Per-call cost in this process: this package's read against bare http.request and bare axios, all on the same GET. */
async function perCall(emu: Emulator, calls: number, reps: number) {
  emu.reset();
  const key = emu.createDirect({ label: "per-call" });
  const values: Record<string, string> = { "linode:token": emu.token, "linode:url": emu.url };
  await objectStorageKeyProvider.configure!({ config: { get: (k: string) => values[k], require: (k: string) => values[k] } });
  const url = `${emu.url}/v4/object-storage/keys/${key.id}`;
  const headers = { Authorization: `Bearer ${emu.token}`, Accept: "application/json" };
  const noKeepAlive = new http.Agent({ keepAlive: false });
  /** One bare GET, JSON parsed; anything but 200 rejects, so a failing call is never timed as a success. */
  const bareGet = (agent?: http.Agent) =>
    new Promise((resolve, reject) => {
      http
        .get(url, { headers, agent }, (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => (text += c));
          res.on("end", () => (res.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(`bare GET: HTTP ${res.statusCode}`))));
        })
        .on("error", reject);
    });
  const variants: Record<string, () => Promise<unknown>> = {
    "this package (read)": () => objectStorageKeyProvider.read!(String(key.id)),
    "bare http.request": () => bareGet(),
    "bare axios": () => axios.get(url, { headers }),
    // Like for like with this package, which opens a connection per request (transport.ts: keepAlive false).
    "bare http.request, new connection": () => bareGet(noKeepAlive),
    "bare axios, new connection": () => axios.get(url, { headers, httpAgent: noKeepAlive }),
  };
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  const medians: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (const fn of Object.values(variants)) for (let i = 0; i < 20; i++) await fn(); // warm-up
  for (let r = 0; r < reps; r++) {
    for (const name of rotate(Object.keys(variants), r)) {
      const xs: number[] = [];
      for (let i = 0; i < calls; i++) {
        const start = process.hrtime.bigint();
        await variants[name]();
        xs.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      samples[name].push(...xs);
      medians[name].push(quantile(xs, 0.5));
    }
    progress(
      `  per-call repetition ${r + 1}/${reps}: ${Object.keys(variants)
        .map((k) => `${k} ${medians[k][r].toFixed(3)} ms`)
        .join(", ")}`,
    );
  }
  const rows = Object.keys(variants).map((name) => ({
    variant: name,
    medianMs: quantile(samples[name], 0.5),
    p99Ms: quantile(samples[name], 0.99),
    vsHttp: spread(medians[name].map((m, r) => m / medians["bare http.request"][r])),
    vsAxios: spread(medians[name].map((m, r) => m / medians["bare axios"][r])),
    vsHttpNew: spread(medians[name].map((m, r) => m / medians["bare http.request, new connection"][r])),
    vsAxiosNew: spread(medians[name].map((m, r) => m / medians["bare axios, new connection"][r])),
  }));
  const own = medians["this package (read)"];
  return {
    calls,
    rows,
    addedMsOverHttp: spread(own.map((m, r) => m - medians["bare http.request"][r])),
    addedMsOverHttpNew: spread(own.map((m, r) => m - medians["bare http.request, new connection"][r])),
  };
}

function pulumiVersion(sb: Sandbox): string {
  return execFileSync(sb.pulumiBin, ["version"], { encoding: "utf8", env: { ...process.env, ...sb.envVars } }).trim();
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  progress(`benchmark: N = ${o.ns.join(", ")}; ${o.reps} repetitions; latency N = ${o.latencyN}; lifecycle N = ${o.lifecycleN}; output ${o.out}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "objkey-bench-"));
  // Up to 200 keys: an account whose 100-key limit Linode raised; the bench measures load, not the limit.
  const emu = await startEmulator({ keyLimit: 100000 });
  const targets: Partial<Record<ProviderName, Target>> = {};
  try {
    progress("packing this package (npm pack) and capturing its serialized provider as installed");
    const tarball = packThisPackage(tmp);
    const installed = installTarball(tarball);
    const installedText = await serializedProviderText(installed.dir, "pulumi-linode-objkey");
    installed.cleanup();
    const sourceText = (await pulumi.runtime.serializeFunction(() => objectStorageKeyProvider, { allowSecrets: true })).text;
    const fixture = path.join(ROOT, "tests", "fixtures", "serialized-provider-0.1.0.txt");
    const serialized = {
      installedBytes: Buffer.byteLength(installedText),
      installedRequires: [...installedText.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]),
      sourceBytes: Buffer.byteLength(sourceText),
      release010InstalledBytes: fs.existsSync(fixture) ? fs.statSync(fixture).size : undefined,
    };
    progress(
      `serialized provider: ${serialized.installedBytes} bytes installed (${serialized.installedRequires.join(", ")}), ${serialized.sourceBytes} bytes from source`,
    );

    for (const p of PROVIDERS) targets[p] = await makeTarget(p, emu, tarball);
    const pkg = targets.package!;

    progress(`lifecycle of ${o.lifecycleN} keys (this package): requests per key at the emulator`);
    const life = await lifecycle(pkg, emu, o.lifecycleN);

    // up/destroy of N keys: each repetition runs every (provider, checkpoints) cell for each N, in an order rotated by repetition.
    type Cell = { provider: ProviderName; skip: boolean };
    const cells: Cell[] = PROVIDERS.flatMap((provider) => [false, true].map((skip) => ({ provider, skip })));
    const raw: Run[] = [];
    const stateBytes: Partial<Record<ProviderName, StateShare>> = {};
    const total = o.reps * o.ns.length * cells.length;
    for (let rep = 0; rep < o.reps; rep++) {
      for (const n of o.ns) {
        for (const c of rotate(cells, rep + o.ns.indexOf(n))) {
          const r = await upDestroy(targets[c.provider]!, emu, plain(n), { skipCheckpoints: c.skip, parallel: o.parallel });
          if (r.state && !stateBytes[c.provider]) stateBytes[c.provider] = r.state;
          raw.push({
            rep,
            n,
            provider: c.provider,
            skip: c.skip,
            up: r.up,
            destroy: r.destroy,
            requestsPerKey: r.upRequests.length / n,
          });
          progress(
            `[${raw.length}/${total}] rep ${rep + 1} N=${n} ${c.provider}${c.skip ? " (checkpoints skipped)" : ""}: up ${r.up.toFixed(2)} s, destroy ${r.destroy.toFixed(2)} s`,
          );
        }
      }
    }

    progress(`latency: ${o.latencyMs} ms added to every API answer, N = ${o.latencyN}`);
    const lat: LatencyRow[] = [];
    for (let rep = 0; rep < o.reps; rep++) {
      for (const p of rotate(["package", "bare-http"] as ProviderName[], rep)) {
        const base = await upDestroy(targets[p]!, emu, plain(o.latencyN), { parallel: o.parallel });
        const slow = await upDestroy(targets[p]!, emu, plain(o.latencyN), { delayMs: o.latencyMs, parallel: o.parallel });
        lat.push({
          rep,
          provider: p,
          plainUp: base.up,
          slowUp: slow.up,
          plainDestroy: base.destroy,
          slowDestroy: slow.destroy,
          inFlight: maxInFlight(slow.upRequests),
          requestsPerCreate: slow.upRequests.length / o.latencyN,
        });
        progress(
          `  rep ${rep + 1} ${p}: up ${base.up.toFixed(2)} → ${slow.up.toFixed(2)} s, destroy ${base.destroy.toFixed(2)} → ${slow.destroy.toFixed(2)} s, up to ${maxInFlight(slow.upRequests)} requests in flight`,
        );
      }
    }

    progress(`per-call cost in process: ${o.calls} calls per variant and repetition`);
    const calls = await perCall(emu, o.calls, o.reps);

    const meta = {
      date: new Date().toISOString(),
      machine: `${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}`,
      node: process.version,
      pulumiCli: pulumiVersion(pkg.sb),
      pulumiSdk: (require("@pulumi/pulumi/package.json") as { version: string }).version,
      package: (require(path.join(ROOT, "package.json")) as { version: string }).version,
      commit: execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim(),
      backend: "file (tools/sandbox.ts), passphrase secrets; emulator on loopback in the benchmark process",
      options: o,
    };
    const results = report(o, meta, serialized, life, raw, stateBytes, lat, calls);
    fs.mkdirSync(o.out, { recursive: true });
    fs.writeFileSync(
      path.join(o.out, "results.json"),
      JSON.stringify({ meta, serialized, lifecycle: life, stateBytes, runs: raw, latency: lat, perCall: calls, summary: results.summary }, null, 2) + "\n",
    );
    fs.writeFileSync(path.join(o.out, "results.md"), results.markdown);
    fs.writeFileSync(path.join(o.out, "up-time.svg"), results.svg);
    console.log("\n" + results.markdown);
    progress(`written: ${path.join(o.out, "results.md")}, results.json, up-time.svg`);
  } finally {
    for (const t of Object.values(targets)) t?.sb.cleanup();
    await emu.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// No in-flight count here: the emulator answers within its millisecond clock's resolution on
// loopback, so overlaps cannot be seen; the latency runs measure it.
type Run = { rep: number; n: number; provider: ProviderName; skip: boolean; up: number; destroy: number; requestsPerKey: number };

/** Tables, chart and summary from the measurements. */
function report(
  o: Options,
  meta: Record<string, unknown>,
  serialized: { installedBytes: number; installedRequires: string[]; sourceBytes: number; release010InstalledBytes?: number },
  life: Awaited<ReturnType<typeof lifecycle>>,
  raw: Run[],
  stateBytes: Partial<Record<ProviderName, StateShare>>,
  lat: LatencyRow[],
  calls: Awaited<ReturnType<typeof perCall>>,
) {
  const pick = (p: ProviderName, n: number, skip: boolean) => raw.filter((r) => r.provider === p && r.n === n && r.skip === skip).sort((a, b) => a.rep - b.rep);
  const ratio = (p: ProviderName, n: number, skip: boolean, f: "up" | "destroy"): Spread => {
    const a = pick(p, n, skip);
    const b = pick("noop", n, skip);
    return spread(a.map((r, i) => r[f] / b[i][f]));
  };
  const md: string[] = [];
  md.push(`# Benchmark: what N keys cost`, ``);
  md.push(
    `Measured ${meta.date} on ${meta.machine}; Node ${meta.node}; Pulumi CLI ${meta.pulumiCli}, @pulumi/pulumi ${meta.pulumiSdk}; pulumi-linode-objkey ${meta.package} at ${meta.commit}, installed from its \`npm pack\` tarball; ${meta.backend}. ${o.reps} repetitions, order rotated each repetition; figures are min / median / max; ${o.parallel ? `\`--parallel ${o.parallel}\`` : "the engine's default parallelism"}. Rerun: \`npm run bench\` (options in tools/bench/bench.ts).`,
    ``,
  );
  md.push(`## Serialized provider and state per key`, ``);
  md.push(`| what | bytes |`, `|---|---|`);
  md.push(`| serialized provider, installed (\`${serialized.installedRequires.join(", ")}\`), per copy | ${serialized.installedBytes} |`);
  if (serialized.release010InstalledBytes) md.push(`| the same for 0.1.0 (the class's code + a require) | ${serialized.release010InstalledBytes} |`);
  md.push(`| serialized provider from source (by value, as in this repo's example) | ${serialized.sourceBytes} |`);
  for (const p of PROVIDERS) if (stateBytes[p]) md.push(`| state per key, ${LABEL[p]} (file backend, as written) | ${stateBytes[p]!.fileBytesPerKey} |`);
  for (const [shape, s] of Object.entries(life.shapes)) md.push(`| state per key, this package, ${shape} | ${s.fileBytesPerKey} |`);
  md.push(``, `Each property's share of one key's entry (compact JSON bytes):`, ``);
  const shapeNames = Object.keys(life.shapes);
  const props = [...new Set(shapeNames.flatMap((s) => Object.keys(life.shapes[s].shares)))];
  md.push(`| property | ${shapeNames.join(" | ")} |`, `|---|${shapeNames.map(() => "---").join("|")}|`);
  for (const prop of props) md.push(`| \`${prop}\` | ${shapeNames.map((s) => life.shapes[s].shares[prop] ?? "").join(" | ")} |`);
  md.push(`| total (compact) | ${shapeNames.map((s) => life.shapes[s].compactBytes).join(" | ")} |`);
  md.push(``, `## Requests per key at the emulator (this package, N = ${o.lifecycleN})`, ``);
  md.push(`| step | requests per key | changes |`, `|---|---|---|`);
  for (const s of life.steps) {
    const { total, ...byMethod } = s.perKey;
    md.push(
      `| ${s.step} | ${total} (${
        Object.entries(byMethod)
          .map(([m, v]) => `${v} ${m}`)
          .join(", ") || "none"
      }) | ${JSON.stringify(s.changes)} |`,
    );
  }
  md.push(``, `A create POSTs under a create marker, then PUTs the declared label (create safety: docs/crash-recovery.md): 2 writes per create.`, ``);
  md.push(`## \`up\` and \`destroy\` of N keys (seconds)`, ``);
  md.push(`| N | provider | checkpoints | up | destroy | up ÷ no-op (paired) | destroy ÷ no-op (paired) |`, `|---|---|---|---|---|---|---|`);
  const summary: Record<string, unknown> = {};
  for (const n of o.ns) {
    for (const skip of [false, true]) {
      for (const p of PROVIDERS) {
        const rs = pick(p, n, skip);
        const up = spread(rs.map((r) => r.up));
        const destroy = spread(rs.map((r) => r.destroy));
        const ru = p === "noop" ? undefined : ratio(p, n, skip, "up");
        const rd = p === "noop" ? undefined : ratio(p, n, skip, "destroy");
        summary[`${p} N=${n}${skip ? " skip" : ""}`] = { up, destroy, upVsNoop: ru, destroyVsNoop: rd };
        md.push(
          `| ${n} | ${LABEL[p]} | ${skip ? "skipped" : "on"} | ${fmtSpread(up)} | ${fmtSpread(destroy)} | ${p === "noop" ? "1" : fmtSpread(ru)} | ${p === "noop" ? "1" : fmtSpread(rd)} |`,
        );
      }
    }
  }
  const P = Math.max(...lat.map((l) => l.inFlight));
  md.push(``, `## ${o.latencyMs} ms added to every API answer (N = ${o.latencyN})`, ``);
  md.push(
    `| provider | requests per create | max in flight | added to up (s) | added to destroy (s) | expected up: ceil(N / ${P}) × requests per create × ${o.latencyMs / 1000} s | expected destroy: ceil(N / ${P}) × ${o.latencyMs / 1000} s |`,
    `|---|---|---|---|---|---|---|`,
  );
  for (const p of ["package", "bare-http"] as ProviderName[]) {
    const ls = lat.filter((l) => l.provider === p);
    const rpc = Math.max(...ls.map((l) => l.requestsPerCreate));
    md.push(
      `| ${LABEL[p]} | ${rpc} | ${Math.max(...ls.map((l) => l.inFlight))} | ${fmtSpread(spread(ls.map((l) => l.slowUp - l.plainUp)))} | ${fmtSpread(spread(ls.map((l) => l.slowDestroy - l.plainDestroy)))} | ${((Math.ceil(o.latencyN / P) * rpc * o.latencyMs) / 1000).toFixed(2)} | ${((Math.ceil(o.latencyN / P) * o.latencyMs) / 1000).toFixed(2)} |`,
    );
  }
  md.push(``, `## Per call, in process (${calls.calls} sequential GETs per variant and repetition)`, ``);
  md.push(
    `| variant | median (ms) | p99 (ms) | ÷ bare http.request | ÷ bare axios | ÷ bare http.request, new connection | ÷ bare axios, new connection |`,
    `|---|---|---|---|---|---|---|`,
  );
  for (const r of calls.rows) {
    md.push(
      `| ${r.variant} | ${r.medianMs.toFixed(3)} | ${r.p99Ms.toFixed(3)} | ${fmtSpread(r.vsHttp)} | ${fmtSpread(r.vsAxios)} | ${fmtSpread(r.vsHttpNew)} | ${fmtSpread(r.vsAxiosNew)} |`,
    );
  }
  md.push(
    ``,
    `Ratios are of paired medians. This package opens a connection per request (transport.ts); "bare" calls use Node's default keep-alive agent, "new connection" ones do not. It adds ${fmtSpread(calls.addedMsOverHttp, 3)} ms per call over a bare keep-alive http.request, ${fmtSpread(calls.addedMsOverHttpNew, 3)} ms over one on a new connection.`,
    ``,
  );
  const colors: Record<ProviderName, string> = { package: "#1f77b4", noop: "#2ca02c", "bare-http": "#d62728" };
  const svg = lineChart({
    title: "pulumi up of N keys (median seconds)",
    note: `${String(meta.date).slice(0, 10)}, ${os.cpus().length} cores, Pulumi ${meta.pulumiCli}, file backend; dashed: PULUMI_SKIP_CHECKPOINTS=true`,
    xLabel: "keys (N)",
    yLabel: "seconds",
    series: PROVIDERS.flatMap((p) =>
      [false, true].map((skip) => ({
        name: `${p}${skip ? " (no checkpoints)" : ""}`,
        color: colors[p],
        dashed: skip,
        points: o.ns.map((n) => ({ x: n, y: spread(pick(p, n, skip).map((r) => r.up)).median })),
      })),
    ),
  });
  return { markdown: md.join("\n") + "\n", svg, summary };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
