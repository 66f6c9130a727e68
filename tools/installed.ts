/**
 * This package as users install it, outside the repository: a project folder whose
 * `node_modules` holds an `npm pack` tarball unpacked, beside links to the repository's own
 * dependencies (as tools/sandbox.ts does for the engine suite), and the provider text that
 * `ObjectStorageKey` hands the engine there. Used by the serialization test and the benchmark.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { ROOT, unpackPackage } from "./sandbox";

const execFileAsync = promisify(execFile);

/** A project folder with a package unpacked into its `node_modules`. */
export interface InstalledProject {
  /** The project folder (cwd for programs and provider processes). */
  dir: string;
  /** The unpacked package's folder, `<dir>/node_modules/<name>`. */
  packageDir: string;
  /** Removes the folder. */
  cleanup(): void;
}

/**
 * Unpacks `tarball` (an `npm pack` output) as `node_modules/<name>` of a new project folder whose
 * other `node_modules` entries link to `modulesFrom`'s (default: the repository's).
 */
export function installTarball(tarball: string, opts: { name?: string; modulesFrom?: string; prefix?: string } = {}): InstalledProject {
  const name = opts.name ?? "pulumi-linode-objkey";
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), opts.prefix ?? "objkey-installed-"));
  const packageDir = unpackPackage(dir, tarball, path.join(opts.modulesFrom ?? ROOT, "node_modules"), name);
  return { dir, packageDir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A script that declares one `ObjectStorageKey` from `module` under Pulumi's runtime mocks and
 * prints the `__provider` input the resource registers: the exact text the engine stores in state
 * (pulumi.dynamic.Resource serializes the provider it is handed; the mock receives the result).
 */
const CAPTURE_SCRIPT = `
const pulumi = require("@pulumi/pulumi");
let text;
pulumi.runtime.setMocks({
  newResource: (a) => { text = a.inputs.__provider; return { id: "1", state: a.inputs }; },
  call: () => ({}),
}, "capture", "capture", false);
const { ObjectStorageKey } = require(process.argv[1]);
new ObjectStorageKey("capture", { label: "capture" }).id.apply(() => {
  if (typeof text !== "string") throw new Error("no __provider input was registered");
  process.stdout.write(text);
});
`;

/**
 * The serialized provider text `ObjectStorageKey` from `module` (a package name resolved from
 * `cwd`, or a path) registers, captured in a fresh Node process running in `cwd`. With
 * `--preserve-symlinks`, the linked `@pulumi/pulumi` resolves packages from the project's
 * `node_modules`, as it does in a real install; Pulumi's serializer then finds this package's
 * package.json and writes the `exports` subpath (`pulumi-linode-objkey/engine`) rather than the
 * file path (`.../dist/provider/engine.js`, which the `exports` map also keeps).
 */
export async function serializedProviderText(cwd: string, module: string): Promise<string> {
  const { stdout } = await execFileAsync(process.execPath, ["--preserve-symlinks", "-e", CAPTURE_SCRIPT, module], {
    cwd,
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  return stdout;
}
