/**
 * A self-contained place for Pulumi engine runs (demo and engine tests): a temporary folder
 * with its own PULUMI_HOME, a local file backend, passphrase secrets, no update checks, no
 * plugin downloads and no prompts, so a user's own Pulumi setup is never touched.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as automation from "@pulumi/pulumi/automation";

/** The repository root (dist/tools/ → ../..). */
export const ROOT = path.resolve(__dirname, "..", "..");

/** A temporary Pulumi area. */
export interface Sandbox {
  /** Root of the temporary area. */
  dir: string;
  /** The project folder the engine runs in (plugins start with it as their cwd). */
  workDir: string;
  /** The file backend's folder. */
  stateDir: string;
  /** The CLI's and its plugins' TMPDIR when `ownTmpDir` was asked for (inside `dir`), else undefined. */
  tmpDir?: string;
  /** The passphrase for this sandbox's secrets. */
  passphrase: string;
  /** Environment for the Pulumi CLI. */
  envVars: Record<string, string>;
  /** The Pulumi CLI to use. */
  command: automation.PulumiCommand;
  /** Path of the `pulumi` binary, for commands the Automation API does not offer. */
  pulumiBin: string;
  /** Removes the temporary area. */
  cleanup(): void;
}

/**
 * The folder holding `pulumi`, from tools/pulumi-cli.sh (it exports PULUMI_CLI_DIR), else PATH.
 * Fails, never skips, when there is no CLI.
 */
export function pulumiCliDir(): string {
  const dir = process.env.PULUMI_CLI_DIR;
  if (dir && fs.existsSync(path.join(dir, "pulumi"))) return dir;
  for (const p of (process.env.PATH ?? "").split(path.delimiter)) {
    if (p && fs.existsSync(path.join(p, "pulumi"))) return p;
  }
  throw new Error("No Pulumi CLI: run `bash tools/pulumi-cli.sh` (it builds one from the Go module proxy) and set PULUMI_CLI_DIR to the folder it prints.");
}

/**
 * Unpacks `tarball` (an `npm pack` output) as `<projectDir>/node_modules/<name>`, as `npm install`
 * does, so Pulumi serializes it by reference; every other entry of `node_modules` links to
 * `modulesDir`'s, so the package shares their module instances. Returns the package's folder.
 */
export function unpackPackage(projectDir: string, tarball: string, modulesDir: string, name = "pulumi-linode-objkey"): string {
  const nm = path.join(projectDir, "node_modules");
  fs.mkdirSync(nm);
  for (const entry of fs.readdirSync(modulesDir)) if (entry !== name) fs.symlinkSync(path.join(modulesDir, entry), path.join(nm, entry));
  execFileSync("tar", ["-xzf", tarball, "-C", projectDir]);
  const packageDir = path.join(nm, name);
  fs.renameSync(path.join(projectDir, "package"), packageDir);
  return packageDir;
}

/**
 * Creates a sandbox whose project folder resolves `node_modules` from `modulesFrom` (default: the
 * repo), with this package unpacked from `packedTarball` when given. With `ownTmpDir`, the CLI and
 * the plugins it starts get a TMPDIR inside the sandbox, so whatever they write there can be
 * inspected (and is removed) with the sandbox, apart from the machine's shared temp folder.
 */
export async function createSandbox(opts: {
  projectName: string;
  modulesFrom?: string;
  prefix?: string;
  packedTarball?: string;
  ownTmpDir?: boolean;
}): Promise<Sandbox> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), opts.prefix ?? "objkey-pulumi-"));
  const workDir = path.join(dir, "project");
  const stateDir = path.join(dir, "state");
  const home = path.join(dir, "home");
  const tmpDir = opts.ownTmpDir ? path.join(dir, "tmp") : undefined;
  for (const d of [workDir, stateDir, home, ...(tmpDir ? [tmpDir] : [])]) fs.mkdirSync(d, { recursive: true });
  // The dynamic-provider plugin starts in the project folder and resolves @pulumi/pulumi and the
  // provider's own dependencies from there.
  const modules = path.join(opts.modulesFrom ?? ROOT, "node_modules");
  if (!opts.packedTarball) fs.symlinkSync(modules, path.join(workDir, "node_modules"), "dir");
  else unpackPackage(workDir, opts.packedTarball, modules);
  fs.writeFileSync(path.join(workDir, "Pulumi.yaml"), `name: ${opts.projectName}\nruntime: nodejs\n`);
  const cliDir = pulumiCliDir();
  const passphrase = randomBytes(18).toString("base64url");
  const envVars: Record<string, string> = {
    PATH: `${cliDir}${path.delimiter}${process.env.PATH ?? ""}`,
    PULUMI_HOME: home,
    PULUMI_BACKEND_URL: `file://${stateDir}`,
    PULUMI_CONFIG_PASSPHRASE: passphrase,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    PULUMI_DISABLE_REGISTRY_RESOLVE: "true",
    PULUMI_SUPPRESS_NEO_LINK: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    ...(tmpDir ? { TMPDIR: tmpDir } : {}),
  };
  const command = await automation.PulumiCommand.get({ root: path.dirname(cliDir), skipVersionCheck: true });
  return {
    dir,
    workDir,
    stateDir,
    tmpDir,
    passphrase,
    envVars,
    command,
    pulumiBin: path.join(cliDir, "pulumi"),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Packs this package (`npm pack`) into `dir` and returns the tarball's path. */
export function packThisPackage(dir: string): string {
  const name = execFileSync("npm", ["pack", "--silent", "--pack-destination", dir], { cwd: ROOT, encoding: "utf8" }).trim().split("\n").pop()!;
  return path.join(dir, name);
}

/** Creates (or selects) a stack running `program` inline in this process, in the sandbox. */
export async function inlineStack(
  sb: Sandbox,
  stackName: string,
  projectName: string,
  program: automation.PulumiFn,
  config: Record<string, { value: string; secret?: boolean }> = {},
): Promise<automation.Stack> {
  const stack = await automation.LocalWorkspace.createOrSelectStack(
    { stackName, projectName, program },
    { workDir: sb.workDir, envVars: sb.envVars, pulumiCommand: sb.command, secretsProvider: "passphrase" },
  );
  if (Object.keys(config).length) await stack.setAllConfig(config);
  return stack;
}
