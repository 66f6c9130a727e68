/**
 * Engine tests of the package as users get it (npm pack, installed into a fresh project) and of
 * an upgrade of the provider's code under an existing stack.
 */
import { strict as assert } from "node:assert";
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT, createSandbox, packThisPackage } from "../../tools/sandbox";
import { startEmulator } from "../../emulator/server";
import { sdkUnderTest } from "../../tools/pulumi-command";
import { changes, engineRun, stateKeys } from "./harness";

const execFileAsync = promisify(execFile);
/** The SDK this checkout runs (the pinned one, or the newest in the version matrix's newest leg). */
const PULUMI_VERSION = sdkUnderTest();

/**
 * The oldest @pulumi/pulumi this package supports (the peer range's floor): dynamic providers got
 * `configure` in 3.139.0.
 */
const OLDEST_PULUMI = "3.139.0";

// Runs inside the fresh project with that project's own @pulumi/pulumi and the installed package:
// up, a preview with no change, a label change (update), a bucket_access change (replace), destroy.
const FRESH_PROGRAM = `
const automation = require("@pulumi/pulumi/automation");
(async () => {
  const env = JSON.parse(process.env.SANDBOX_ENV);
  let label = "packed-limited";
  let bucket = "packed-bucket";
  const program = async () => {
    const { ObjectStorageKey } = require("pulumi-linode-objkey");
    const a = new ObjectStorageKey("packed-unlimited", { label: "packed-unlimited" });
    const b = new ObjectStorageKey("packed-limited", { label, bucket_access: [{ bucket_name: bucket, permissions: "read_write", region: "us-east" }] });
    const c = new ObjectStorageKey("packed-details", { label: "packed-details", include_regions_details: true });
    return { a: a.id, b: b.id, c: c.id };
  };
  const command = await automation.PulumiCommand.get({ root: process.env.PULUMI_ROOT, skipVersionCheck: true });
  const stack = await automation.LocalWorkspace.createOrSelectStack(
    { stackName: "packed", projectName: "objkey-fresh", program },
    { workDir: process.env.WORK_DIR, envVars: env, pulumiCommand: command, secretsProvider: "passphrase" });
  await stack.setAllConfig({ "linode:token": { value: process.env.EMU_TOKEN, secret: true }, "linode:url": { value: process.env.EMU_URL } });
  const up = await stack.up({ color: "never" });
  const again = await stack.preview({ expectNoChanges: true, color: "never" });
  const state = await stack.exportStack();
  const keys = state.deployment.resources.filter((r) => r.type.endsWith(":ObjectStorageKey"));
  const provider = String(keys[0].outputs.__provider);
  const entryBytes = Object.fromEntries(keys.map((r) => [r.urn.split("::").pop(), Buffer.byteLength(JSON.stringify(r))]));
  const details = keys.find((r) => r.urn.endsWith("::packed-details")).outputs.regions_details;
  const defaultHasDetails = "regions_details" in keys.find((r) => r.urn.endsWith("::packed-unlimited")).outputs;
  label = "packed-limited-renamed";
  const update = await stack.up({ color: "never" });
  bucket = "packed-bucket-2";
  const replace = await stack.up({ color: "never" });
  await stack.destroy({ color: "never" });
  console.log(JSON.stringify({ created: up.summary.resourceChanges, previewChanges: again.changeSummary, updated: update.summary.resourceChanges, replaced: replace.summary.resourceChanges, providerBytes: Buffer.byteLength(provider), provider, entryBytes, details, defaultHasDetails }));
})().catch((e) => { console.error(e.message); process.exit(1); });
`;

describe("engine: the package as users get it, and upgrades", function () {
  for (const pulumiVersion of [PULUMI_VERSION, OLDEST_PULUMI])
    it(`11. npm pack, install into a fresh project outside the repo with @pulumi/pulumi ${pulumiVersion}: up, update, replace, destroy`, async () => {
      const emu = await startEmulator();
      const fresh = fs.mkdtempSync(path.join(os.tmpdir(), "objkey-fresh-"));
      const sb = await createSandbox({ projectName: "objkey-fresh", modulesFrom: fresh, prefix: "objkey-packed-" });
      try {
        const tarball = packThisPackage(fresh);
        fs.writeFileSync(path.join(fresh, "package.json"), JSON.stringify({ name: "objkey-fresh", private: true }));
        execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball, `@pulumi/pulumi@${pulumiVersion}`], {
          cwd: fresh,
          stdio: "pipe",
        });
        fs.writeFileSync(path.join(fresh, "run.js"), FRESH_PROGRAM);
        // Asynchronously: the emulator answers from this process's event loop.
        const { stdout: out } = await execFileAsync(process.execPath, ["run.js"], {
          cwd: fresh,
          encoding: "utf8",
          timeout: 300000,
          env: {
            ...process.env,
            SANDBOX_ENV: JSON.stringify(sb.envVars),
            PULUMI_ROOT: path.dirname(path.dirname(sb.pulumiBin)),
            WORK_DIR: sb.workDir,
            EMU_URL: emu.url,
            EMU_TOKEN: emu.token,
          },
        });
        const result = JSON.parse(out.trim().split("\n").pop()!) as {
          created: Record<string, number>;
          previewChanges: Record<string, number>;
          updated: Record<string, number>;
          replaced: Record<string, number>;
          providerBytes: number;
          provider: string;
          entryBytes: Record<string, number>;
          details: { id: string; s3_endpoint: string }[];
          defaultHasDetails: boolean;
        };
        console.log(
          `      installed package: __provider is ${result.providerBytes} bytes per copy (captured by reference: ${/require\("pulumi-linode-objkey/.test(result.provider)})`,
        );
        console.log(`      state per key (compact JSON): ${JSON.stringify(result.entryBytes)}`);
        assert.equal(result.created.create, 4);
        assert.deepEqual(
          Object.keys(result.previewChanges).filter((k) => k !== "same"),
          [],
        );
        assert.match(result.provider, /require\("pulumi-linode-objkey\/engine"\)/, "code in node_modules is captured by reference");
        assert.ok(result.providerBytes <= 1024, `__provider is ${result.providerBytes} bytes per copy; at most 1 KB when installed`);
        // The emulator's default account has 18 regions (20 endpoints): the case issue 12 measured.
        assert.equal(result.defaultHasDetails, false, "regions_details only on request");
        assert.ok(
          result.entryBytes["packed-unlimited"] <= 2560,
          `an unlimited key takes ${result.entryBytes["packed-unlimited"]} bytes of state; at most 2.5 KB`,
        );
        assert.ok(result.entryBytes["packed-limited"] <= 2560, `a limited key takes ${result.entryBytes["packed-limited"]} bytes of state; at most 2.5 KB`);
        assert.equal(result.details.length, 20, "one entry per endpoint of the 18 regions");
        assert.ok(result.entryBytes["packed-details"] <= 4096, `a key with regions_details takes ${result.entryBytes["packed-details"]} bytes; at most 4 KB`);
        assert.equal(result.updated.update, 1, "a label change updates in place");
        assert.equal(result.replaced.replace, 1, "a bucket_access change replaces");
        assert.equal(emu.keys().length, 0, "destroy revoked every key");
        assert.equal(emu.requests.filter((r) => r.method === "PUT").length, 5, "a label PUT per create (three and the replacement), and the label update");
        assert.equal(emu.requests.filter((r) => r.method === "POST").length, 4, "three creates and the replacement");
        assert.equal(emu.requests.filter((r) => r.method === "DELETE").length, 4, "the replaced key and the three at destroy");
      } finally {
        sb.cleanup();
        fs.rmSync(fresh, { recursive: true, force: true });
        await emu.close();
      }
    });

  it("12. an upgrade: a stack made by one build, then up with changed provider code: no perpetual diff, destroy works", async () => {
    let version = "v1";
    const run = await engineRun({
      stackName: "upgrade",
      spec: { first: { label: "upgrade-first" }, second: { label: "upgrade-second", bucket_access: [] } },
      resourceModule: () => require(path.join(run.sb.workDir, `provider-${version}`)),
    });
    try {
      // Two builds of the provider, side by side in the project (outside node_modules, so both are
      // serialized by value, as in a repo that holds its own provider code).
      const built = path.join(ROOT, "dist", "provider");
      for (const v of ["v1", "v2"]) fs.cpSync(built, path.join(run.sb.workDir, `provider-${v}`), { recursive: true });
      const clientV2 = path.join(run.sb.workDir, "provider-v2", "http-attempt.js");
      fs.writeFileSync(clientV2, fs.readFileSync(clientV2, "utf8").replace(/pulumi-linode-objkey\/[0-9.]+/, "pulumi-linode-objkey/9.9.9-upgrade"));

      assert.deepEqual(changes((await run.stack.up({ color: "never" })).summary), { create: 3 });
      version = "v2";
      const first = await run.stack.up({ color: "never" });
      assert.deepEqual(changes(first.summary), {}, "new provider code alone changes nothing");
      const second = await run.stack.up({ color: "never" });
      assert.deepEqual(changes(second.summary), {}, "and keeps changing nothing");
      await run.stack.preview({ expectNoChanges: true, color: "never" });
      const state = await stateKeys(run);
      assert.match(String(state.first.inputs.__provider), /9\.9\.9-upgrade/, "inputs carry the new code");
      // A Same step keeps old outputs, so delete runs the code the key was created with.
      assert.doesNotMatch(String(state.first.outputs.__provider), /9\.9\.9-upgrade/);
      run.spec.first = { label: "upgrade-first-renamed" };
      assert.deepEqual(changes((await run.stack.up({ color: "never" })).summary), { update: 1 });
      assert.match(String((await stateKeys(run)).first.outputs.__provider), /9\.9\.9-upgrade/, "an update stores the new code");
      await run.stack.destroy({ color: "never" });
      assert.equal(run.emu.keys().length, 0);
    } finally {
      await run.close();
    }
  });
});
