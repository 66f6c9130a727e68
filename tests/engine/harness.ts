/**
 * Engine test harness: an emulator, a sandboxed Pulumi area, an inline stack whose program
 * declares whatever `spec` holds, and a record of every byte the engine printed.
 */
import { ChildProcess, execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as automation from "@pulumi/pulumi/automation";
import { startEmulator, Emulator, EmulatorOptions } from "../../emulator/server";
import type { ObjectStorageKeyArgs } from "../../provider";
import { createSandbox, inlineStack, packThisPackage, Sandbox } from "../../tools/sandbox";

const execFileAsync = promisify(execFile);

/** The most verbose logging the CLI offers, on stderr so the suite can scan it. */
export const VERBOSE = { logVerbosity: 11, logToStdErr: true, logFlow: true, debug: true, color: "never" as const };

/** One engine run of the suite. */
export interface EngineRun {
  emu: Emulator;
  sb: Sandbox;
  stack: automation.Stack;
  /** Keys the program declares, by resource name; edit it between operations. */
  spec: Record<string, ObjectStorageKeyArgs>;
  /** Everything the CLI printed on stdout and stderr, by verbosity. */
  printed: { default: string[]; verbose: string[] };
  /** Records one operation's output. */
  record(result: { stdout: string; stderr: string }, verbose: boolean): void;
  /**
   * Every engine event of the operations run through `watch`, by operation: the stream the
   * Automation API's `onEvent` receives and `pulumi up --event-log <file>` writes, at every
   * severity (debug included, which the CLI's display hides).
   */
  events: { op: string; event: automation.EngineEvent }[];
  /** `opts` with an `onEvent` that records operation `op`'s events into `events`. */
  watch<const T extends object>(op: string, opts: T): T & { onEvent: (event: automation.EngineEvent) => void };
  /** Stops the emulator and removes the sandbox. */
  close(): Promise<void>;
}

/** Starts an emulator and an inline stack over `keys` from `resourceModule` (default: this repo's provider). */
export async function engineRun(opts: {
  stackName: string;
  spec: Record<string, ObjectStorageKeyArgs>;
  emulator?: EmulatorOptions;
  config?: Record<string, string>;
  resourceModule?: () => { ObjectStorageKey: typeof import("../../provider").ObjectStorageKey };
  /** Use this package as `npm pack` makes it, unpacked into the project's node_modules. */
  packed?: boolean;
}): Promise<EngineRun> {
  const emu = await startEmulator(opts.emulator);
  const tarball = opts.packed ? packThisPackage(fs.mkdtempSync(path.join(os.tmpdir(), "objkey-pack-"))) : undefined;
  // Its own TMPDIR, so the CLI's and the plugins' temporary files are the sandbox's to scan.
  const sb = await createSandbox({ projectName: "objkey-engine-test", prefix: `objkey-${opts.stackName}-`, packedTarball: tarball, ownTmpDir: true });
  if (tarball) fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
  if (opts.packed) opts.resourceModule = () => require(path.join(sb.workDir, "node_modules", "pulumi-linode-objkey"));
  const run: Partial<EngineRun> = { emu, sb, spec: opts.spec, printed: { default: [], verbose: [] }, events: [] };
  const program = async () => {
    const { ObjectStorageKey } = opts.resourceModule ? opts.resourceModule() : require("../../provider");
    const outputs: Record<string, unknown> = {};
    for (const [name, args] of Object.entries(run.spec!)) {
      const key = new ObjectStorageKey(name, args);
      outputs[`${name}Id`] = key.id;
      outputs[`${name}Secret`] = key.secret_key;
      outputs[`${name}Label`] = key.label;
    }
    return outputs;
  };
  const config: Record<string, { value: string; secret?: boolean }> = {
    "linode:token": { value: emu.token, secret: true },
    "linode:url": { value: emu.url },
  };
  for (const [k, v] of Object.entries(opts.config ?? {})) config[k] = { value: v };
  run.stack = await inlineStack(sb, opts.stackName, "objkey-engine-test", program, config);
  run.record = (r, verbose) => run.printed![verbose ? "verbose" : "default"].push(r.stdout, r.stderr);
  run.watch = (op, o) => ({ ...o, onEvent: (event: automation.EngineEvent) => void run.events!.push({ op, event }) });
  run.close = async () => {
    sb.cleanup();
    await emu.close();
  };
  return run as EngineRun;
}

/** Resources changed by an operation, other than `same`. */
export function changes(summary: automation.UpdateSummary | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [op, n] of Object.entries(summary?.resourceChanges ?? {})) if (op !== "same" && n) out[op] = n;
  return out;
}

/**
 * The stack's keys from a plain `pulumi stack export` (the Automation API's exportStack shows
 * secrets in plaintext): name → state.
 */
export async function stateKeys(run: EngineRun): Promise<Record<string, { id: string; inputs: Record<string, unknown>; outputs: Record<string, unknown> }>> {
  const { stdout } = await execFileAsync(run.sb.pulumiBin, ["stack", "export", "--stack", run.stack.name], {
    cwd: run.sb.workDir,
    env: { ...process.env, ...run.sb.envVars },
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  const dep = JSON.parse(stdout) as { deployment: { resources?: unknown[] } };
  const out: Record<string, { id: string; inputs: Record<string, unknown>; outputs: Record<string, unknown> }> = {};
  for (const r of (dep.deployment.resources ?? []) as {
    type: string;
    urn: string;
    id: string;
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
  }[]) {
    if (r.type.endsWith(":ObjectStorageKey")) out[r.urn.split("::").pop()!] = r;
  }
  return out;
}

/** Every file under `dir`, with its bytes. */
export function filesUnder(dir: string): { file: string; bytes: Buffer }[] {
  const out: { file: string; bytes: Buffer }[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isSymbolicLink()) continue;
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push({ file: p, bytes: fs.readFileSync(p) });
    }
  };
  walk(dir);
  return out;
}

/** The severity of a diagnostic event; "debug" too, which the Automation API's types leave out. */
export function severityOf(event: automation.EngineEvent): string | undefined {
  return event.diagnosticEvent ? String(event.diagnosticEvent.severity) : undefined;
}

/** Milliseconds taken by `fn`, for the suite's timing report. */
export async function timed<T>(timings: [string, number][], name: string, fn: () => Promise<T>): Promise<T> {
  const start = Date.now();
  try {
    return await fn();
  } finally {
    timings.push([name, Date.now() - start]);
  }
}

/** A `pulumi up` this process started (see {@link spawnUp}). */
export interface SpawnedUp {
  /** The CLI's own process. */
  child: ChildProcess;
  /** How it ended: the signal's name, or `exit <code>`. */
  exited: Promise<string>;
  /** SIGKILLs the CLI by its pid, after noting the processes it started (language host, plugins). */
  kill(): void;
  /**
   * SIGKILLs, by pid, what the CLI had started when {@link SpawnedUp.kill} ran: a killed CLI leaves
   * its plugins running (Pulumi puts them in process groups of their own).
   */
  cleanup(): void;
}

/** The pids of `pid`'s descendants, from /proc (empty where there is none). */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of fs.existsSync("/proc") ? fs.readdirSync("/proc") : []) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid ...": comm may hold spaces, so read after its closing parenthesis.
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // it ended meanwhile
    }
  }
  const found: number[] = [];
  for (let frontier = [pid]; frontier.length;) {
    const next = [...parents].filter(([, parent]) => frontier.includes(parent)).map(([child]) => child);
    found.push(...next);
    frontier = next;
  }
  return found;
}

/**
 * Starts `pulumi up` on `run.spec`'s keys, the program written as a file in the project, as a
 * child of this process: a test can then SIGKILL exactly that CLI by its pid (an inline
 * Automation API up gives no pid, and a pattern could hit another run's process).
 */
export function spawnUp(run: EngineRun, args: string[]): SpawnedUp {
  const provider = JSON.stringify(path.resolve(__dirname, "../../provider"));
  const program = `const { ObjectStorageKey } = require(${provider});\nfor (const [name, args] of Object.entries(${JSON.stringify(run.spec)})) new ObjectStorageKey(name, args);\n`;
  fs.writeFileSync(path.join(run.sb.workDir, "index.js"), program);
  const child = spawn(run.sb.pulumiBin, ["up", "--yes", "--skip-preview", "--non-interactive", "--stack", run.stack.name, ...args], {
    cwd: run.sb.workDir,
    // The stand-in language host does not pass --root-directory (see tools/pulumi-cli.sh).
    env: { ...process.env, ...run.sb.envVars, PULUMI_NODEJS_ROOT_DIRECTORY: run.sb.workDir },
    stdio: "ignore",
  });
  const exited = new Promise<string>((resolve) => child.on("exit", (code, signal) => resolve(signal ?? `exit ${code}`)));
  let started: number[] = [];
  const kill = () => {
    started = descendants(child.pid!);
    child.kill("SIGKILL");
  };
  const cleanup = () => {
    for (const pid of started.splice(0)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  };
  return { child, exited, kill, cleanup };
}

/**
 * A `pulumi up` of `run.spec` killed mid-create, deterministically: every label PUT is held (Linode
 * would act on it only after the test), so the creates in flight wait on their PUTs and the engine
 * writes no checkpoint (a kill during a write tears it: docs/crash-recovery-torn-checkpoint.md).
 * Once the account holds `keys` keys, the CLI is killed by its pid, then the plugins it left, before
 * any PUT is answered (a provider that outlives its engine revokes its keys itself). Each key the
 * killed up made carries its create marker.
 */
export async function killUpMidCreates(run: EngineRun, keys: number): Promise<void> {
  run.emu.inject({ kind: "act-late", ms: 600000, method: "PUT", times: Infinity });
  const up = spawnUp(run, ["--parallel", "4"]);
  let ended: string;
  try {
    while (run.emu.keys().length < keys && up.child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
  } finally {
    up.kill();
    ended = await up.exited;
    up.cleanup();
    run.emu.clearFaults();
  }
  if (ended !== "SIGKILL") throw new Error(`the up ended (${ended}) before ${keys} keys existed`);
}

/** Asserts that the emulator's account holds exactly the keys `ids`, in any order. */
export function assertAccountHolds(run: EngineRun, ids: readonly (number | string)[], message = "the account holds exactly the stack's keys"): void {
  const held = run.emu
    .keys()
    .map((k) => k.id)
    .sort((a, b) => a - b);
  const expected = ids.map(Number).sort((a, b) => a - b);
  if (JSON.stringify(held) !== JSON.stringify(expected)) throw new Error(`${message}: the account holds ${held.join(", ")}, expected ${expected.join(", ")}`);
}
