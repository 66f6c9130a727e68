/**
 * Running the `pulumi` command itself, as users type it, on a `runtime: nodejs` project (the
 * Node.js language host runs the program): for the demo and for the engine tests that drive the
 * CLI, apart from the suite's Automation API inline programs.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { ROOT, Sandbox } from "./sandbox";

/** What one `pulumi` command printed, and how it ended. */
export interface CliResult {
  /** The command as typed, for failure messages. */
  command: string;
  stdout: string;
  stderr: string;
  code: number | null;
}

/** A `pulumi` command runner bound to one sandbox (PULUMI_HOME, backend, passphrase) and one project folder. */
export type Pulumi = (args: string[], opts?: { input?: string; allowFailure?: boolean; echo?: boolean | string }) => Promise<CliResult>;

/**
 * Runs `pulumi` in `projectDir` with the sandbox's environment. Asynchronous, so an emulator
 * served from this process keeps answering. Fails with everything the command printed unless
 * `allowFailure`. With `echo`, prints `$ pulumi <args>` first (or `$ <echo>` when it is a string,
 * to show a command whose argument is secret) and passes the output through as it comes, in color.
 */
export function pulumiIn(sb: Sandbox, projectDir: string): Pulumi {
  return (args, opts = {}) =>
    new Promise((resolve, reject) => {
      const child = spawn(sb.pulumiBin, args, {
        cwd: projectDir,
        // The stand-in language host does not pass --root-directory (see tools/pulumi-cli.sh).
        env: { ...process.env, ...sb.envVars, PULUMI_NODEJS_ROOT_DIRECTORY: projectDir, ...(opts.echo ? {} : { NO_COLOR: "1" }) },
        stdio: ["pipe", "pipe", "pipe"],
      });
      if (opts.echo) console.log(`$ ${typeof opts.echo === "string" ? opts.echo : `pulumi ${args.join(" ")}`}`);
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString("utf8");
        if (opts.echo) process.stdout.write(d);
      });
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString("utf8");
        if (opts.echo) process.stderr.write(d);
      });
      child.stdin.end(opts.input ?? "");
      child.on("error", reject);
      child.on("close", (code) => {
        const result = { command: `pulumi ${args.join(" ")}`, stdout, stderr, code };
        // Echoed output is already on the screen; otherwise the error carries it.
        if (code !== 0 && !opts.allowFailure) reject(new Error(`${result.command} exited ${code}${opts.echo ? "" : `\n${stdout}\n${stderr}`}`));
        else resolve(result);
      });
    });
}

/** A resource as `pulumi stack export` writes it. */
export interface StateResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** The stack's ObjectStorageKey resources from `pulumi stack export` (secrets stay encrypted), by resource name. */
export async function exportedKeys(pulumi: Pulumi): Promise<Record<string, StateResource>> {
  const { stdout } = await pulumi(["stack", "export"]);
  const resources = (JSON.parse(stdout) as { deployment: { resources?: StateResource[] } }).deployment.resources ?? [];
  const out: Record<string, StateResource> = {};
  for (const r of resources) if (r.type.endsWith(":ObjectStorageKey")) out[r.urn.split("::").pop()!] = r;
  return out;
}

/** Resource changes other than `same` of the stack's latest operation, from `pulumi stack history --json`. */
export async function lastChanges(pulumi: Pulumi): Promise<{ kind: string; changes: Record<string, number> }> {
  const { stdout } = await pulumi(["stack", "history", "--json"]);
  const [latest] = JSON.parse(stdout) as { kind: string; resourceChanges?: Record<string, number> }[];
  const changes: Record<string, number> = {};
  for (const [op, n] of Object.entries(latest.resourceChanges ?? {})) if (op !== "same" && n) changes[op] = n;
  return { kind: latest.kind, changes };
}

/** The version of a dev dependency in this repository's package.json (what the CLI tests install). */
export function pinned(name: string): string {
  const pkg = require(path.join(ROOT, "package.json")) as { devDependencies: Record<string, string> };
  const version = pkg.devDependencies[name];
  if (!version) throw new Error(`package.json has no devDependency ${name}`);
  return version;
}

/**
 * The `@pulumi/pulumi` version this checkout runs: the installed one, which is the pinned
 * devDependency except in the version matrix's newest leg (tools/matrix.sh installs another).
 */
export function sdkUnderTest(): string {
  const pkg = require(path.join(ROOT, "node_modules", "@pulumi", "pulumi", "package.json")) as { version: string };
  return pkg.version;
}
