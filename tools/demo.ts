/**
 * `npm run demo`: the commands a user types, run for real against the Linode API emulator. The
 * repository's Pulumi.yaml and example program are copied into a sandbox project (temporary
 * PULUMI_HOME, file backend, passphrase secrets: nothing of the user's Pulumi setup is touched),
 * where the example imports this package as users do, installed from `npm pack`. Each `pulumi`
 * command is echoed before it runs, and Pulumi prints its own progress.
 * tools/demo.sh installs, builds and makes the CLI (with its Node.js language host) available.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator } from "../emulator/server";
import { Pulumi, exportedKeys, lastChanges, pulumiIn } from "./pulumi-command";
import { ROOT, Sandbox, createSandbox, packThisPackage } from "./sandbox";

const STACK = "demo";
const PACKAGE = "pulumi-linode-objkey";

const step = (text: string) => console.log(`\n=== ${text}\n`);

/**
 * The example as a user's project: the repository's Pulumi.yaml, examples/ importing the
 * installed package instead of ../provider (what examples/program.ts tells users to do), and
 * the package in node_modules, unpacked from the tarball as `npm install` would.
 */
function makeExampleProject(sb: Sandbox): void {
  fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(sb.workDir, "Pulumi.yaml"));
  fs.mkdirSync(path.join(sb.workDir, "examples"));
  for (const file of ["index.ts", "program.ts"]) {
    const source = fs.readFileSync(path.join(ROOT, "examples", file), "utf8");
    const asUsers = source.replace(/from "\.\.\/provider"/g, `from "${PACKAGE}"`);
    if (/\.\.\/provider/.test(asUsers.replace(/^\s*(\/\/|\*).*$/gm, "")))
      throw new Error(`examples/${file} reaches ../provider in a way the demo cannot rewrite`);
    fs.writeFileSync(path.join(sb.workDir, "examples", file), asUsers);
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string; devDependencies: Record<string, string> };
  const userPackage = {
    name: "linode-objkey-example",
    private: true,
    dependencies: { [PACKAGE]: pkg.version, "@pulumi/pulumi": pkg.devDependencies["@pulumi/pulumi"] },
    devDependencies: { typescript: pkg.devDependencies.typescript, "@types/node": pkg.devDependencies["@types/node"] },
  };
  fs.writeFileSync(path.join(sb.workDir, "package.json"), JSON.stringify(userPackage, null, 2) + "\n");
  const tsconfig = { compilerOptions: { strict: true, target: "es2020", module: "commonjs", moduleResolution: "node" } };
  fs.writeFileSync(path.join(sb.workDir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2) + "\n");
}

/** The serialized provider of each key in the state, as `pulumi stack export` shows it. */
async function providerCopies(pulumi: Pulumi): Promise<{ key: string; side: string; text: string }[]> {
  const keys = await exportedKeys(pulumi);
  return Object.entries(keys).flatMap(([key, r]) => (["inputs", "outputs"] as const).map((side) => ({ key, side, text: String(r[side]?.__provider ?? "") })));
}

async function main(): Promise<void> {
  step("Starting the Linode API emulator");
  const emu = await startEmulator();
  console.log(`Linode API emulator listening on ${emu.url}`);

  step(`Packing this package (npm pack) and installing it into a copy of the example project`);
  const packDir = fs.mkdtempSync(path.join(os.tmpdir(), "objkey-demo-pack-"));
  const tarball = packThisPackage(packDir);
  const sb = await createSandbox({ projectName: "linode-objkey-example", prefix: "objkey-demo-", packedTarball: tarball });
  fs.rmSync(packDir, { recursive: true, force: true });
  let failed = false;
  try {
    makeExampleProject(sb);
    const pulumi = pulumiIn(sb, sb.workDir);
    console.log(`Project: ${sb.workDir}`);
    console.log(`  Pulumi.yaml       copied from this repository (main: examples/index.ts)`);
    console.log(`  examples/*.ts     copied, importing "${PACKAGE}" instead of "../provider"`);
    console.log(`  node_modules/${PACKAGE}  ${path.basename(tarball)}, unpacked`);

    step("Create the stack and set its config");
    await pulumi(["stack", "init", STACK], { echo: true });
    await pulumi(["config", "set", "linode:url", emu.url], { echo: true });
    await pulumi(["config", "set", "--secret", "linode:token"], {
      input: emu.token,
      echo: "pulumi config set --secret linode:token   # the value (the emulator's token) on stdin",
    });

    step("Preview");
    await pulumi(["preview"], { echo: true });

    step("Create the keys");
    await pulumi(["up", "--yes"], { echo: true });
    console.log(
      `\nThe emulator now holds ${emu.keys().length} keys: ${emu
        .keys()
        .map((k) => `${k.id} (${k.label})`)
        .join(", ")}`,
    );

    step("Stack outputs (secrets are shown as [secret])");
    await pulumi(["stack", "output"], { echo: true });

    step("What the state stores of the provider");
    console.log(`$ pulumi stack export   # measured, not printed`);
    const copies = await providerCopies(pulumi);
    const sizes = copies.map((c) => Buffer.byteLength(c.text));
    const byReference = copies.every((c) => c.text.includes(`require("${PACKAGE}`));
    const keys = new Set(copies.map((c) => c.key)).size;
    const range = Math.min(...sizes) === Math.max(...sizes) ? `${sizes[0]}` : `${Math.min(...sizes)} to ${Math.max(...sizes)}`;
    console.log(`__provider: ${range} bytes per copy, ${copies.length} copies for ${keys} keys (inputs and outputs),`);
    console.log(
      `${byReference ? `captured by reference to the installed package (require("${PACKAGE}/..."))` : "NOT captured by reference: the code was copied by value"}`,
    );
    if (!byReference) failed = true;

    step("Run up again (expect no changes)");
    await pulumi(["up", "--yes"], { echo: true });
    const { changes: changed } = await lastChanges(pulumi);
    console.log(Object.keys(changed).length === 0 ? "\nSecond up: no changes." : `\nSecond up changed: ${JSON.stringify(changed)}`);
    if (Object.keys(changed).length) failed = true;

    step("Destroy");
    await pulumi(["destroy", "--yes"], { echo: true });
    if (emu.keys().length) failed = true;
  } finally {
    sb.cleanup();
    const left = emu.keys().length;
    await emu.close();
    console.log(`\nSandbox removed, emulator stopped. The emulator held ${left} keys at the end.`);
  }
  if (failed) process.exitCode = 1;
}

main().catch((err: Error) => {
  console.error(`demo failed: ${err.message}`);
  process.exitCode = 1;
});
