/**
 * Engine test of a user's own TypeScript project outside the repository: its own package.json,
 * Pulumi.yaml and index.ts, this package installed from `npm pack` with `npm install`, and every
 * operation run by the `pulumi` command (the Node.js language host runs index.ts).
 */
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator } from "../../emulator/server";
import { createSandbox, packThisPackage } from "../../tools/sandbox";
import { exportedKeys, lastChanges, pinned, pulumiIn, sdkUnderTest } from "../../tools/pulumi-command";

const execFileAsync = promisify(execFile);

/** The user's program, with the parts the test changes between runs. */
function userProgram(label: string, permissions: "read_only" | "read_write"): string {
  return `import { ObjectStorageKey } from "pulumi-linode-objkey";

const key = new ObjectStorageKey("app", {
  label: ${JSON.stringify(label)},
  bucket_access: [{ bucket_name: "app-bucket", permissions: ${JSON.stringify(permissions)}, region: "us-east" }],
});

export const accessKey = key.access_key;
export const secretKey = key.secret_key;
`;
}

// As \`pulumi new typescript\` writes them.
const TSCONFIG = {
  compilerOptions: {
    strict: true,
    outDir: "bin",
    target: "es2020",
    module: "commonjs",
    moduleResolution: "node",
    sourceMap: true,
    forceConsistentCasingInFileNames: true,
  },
  files: ["index.ts"],
};

/**
 * Most bytes a by-reference `__provider` may take: a require() of the installed package and a
 * few names take a few hundred bytes to a few KB, while the code copied by value takes about 50 KB.
 */
const BY_REFERENCE_MAX_BYTES = 4 * 1024;

describe("engine (pulumi CLI): a user's own TypeScript project, from the packed package", function () {
  it("CLI-2. up, no-op up, label update, bucket_access replace (create before delete), refresh, destroy", async () => {
    const sb = await createSandbox({ projectName: "unused", prefix: "objkey-cli-user-" });
    const emu = await startEmulator();
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "objkey-user-project-"));
    try {
      const tarball = packThisPackage(sb.dir);
      fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "objkey-user", private: true, main: "index.ts" }, null, 2));
      fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: objkey-user\nruntime: nodejs\ndescription: A user's project\n");
      fs.writeFileSync(path.join(project, "tsconfig.json"), JSON.stringify(TSCONFIG, null, 2));
      fs.writeFileSync(path.join(project, "index.ts"), userProgram("app-key", "read_only"));
      const installs = [tarball, `@pulumi/pulumi@${sdkUnderTest()}`, `typescript@${pinned("typescript")}`, `@types/node@${pinned("@types/node")}`];
      await execFileAsync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", ...installs], { cwd: project, timeout: 300000 });
      const pulumi = pulumiIn(sb, project);
      await pulumi(["stack", "init", "dev"]);
      await pulumi(["config", "set", "linode:url", emu.url]);
      await pulumi(["config", "set", "--secret", "linode:token"], { input: emu.token });

      const up = await pulumi(["up", "--yes", "--non-interactive"]);
      assert.deepEqual((await lastChanges(pulumi)).changes, { create: 2 }, `the key and the stack:\n${up.stdout}`);
      const created = emu.keys();
      assert.deepEqual(
        created.map((k) => k.label),
        ["app-key"],
      );

      // The provider as this project's state holds it: a require() of the installed package.
      const { app } = await exportedKeys(pulumi);
      for (const side of ["inputs", "outputs"] as const) {
        const provider = String(app[side]?.__provider);
        const bytes = Buffer.byteLength(provider);
        console.log(`      ${side}.__provider: ${bytes} bytes`);
        assert.match(provider, /require\("pulumi-linode-objkey(\/[\w/.-]+)?"\)/, `${side}: captured by reference to the installed package`);
        assert.ok(bytes < BY_REFERENCE_MAX_BYTES, `${side}.__provider is ${bytes} bytes, more than a by-reference capture takes`);
      }

      await pulumi(["up", "--yes", "--non-interactive", "--expect-no-changes"]);
      assert.deepEqual((await lastChanges(pulumi)).changes, {});

      fs.writeFileSync(path.join(project, "index.ts"), userProgram("app-key-renamed", "read_only"));
      emu.clearRequests();
      await pulumi(["up", "--yes", "--non-interactive"]);
      assert.deepEqual((await lastChanges(pulumi)).changes, { update: 1 });
      assert.deepEqual(
        emu.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`),
        [`PUT /v4/object-storage/keys/${created[0].id}`],
      );

      fs.writeFileSync(path.join(project, "index.ts"), userProgram("app-key-renamed", "read_write"));
      emu.clearRequests();
      const replace = await pulumi(["up", "--yes", "--non-interactive"]);
      assert.deepEqual((await lastChanges(pulumi)).changes, { replace: 1 }, replace.stdout);
      const writes = emu.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`);
      assert.deepEqual(writes, ["POST /v4/object-storage/keys", `DELETE /v4/object-storage/keys/${created[0].id}`], "create before delete");
      const [replacement] = emu.keys();
      assert.equal(replacement.bucket_access?.[0]?.permissions, "read_write");
      assert.equal((await exportedKeys(pulumi)).app.id, String(replacement.id));

      await pulumi(["refresh", "--yes", "--non-interactive"]);
      assert.deepEqual(await lastChanges(pulumi), { kind: "refresh", changes: {} });

      await pulumi(["destroy", "--yes", "--non-interactive"]);
      assert.deepEqual((await lastChanges(pulumi)).changes, { delete: 2 });
      assert.equal(emu.keys().length, 0, "destroy revoked the key");
    } finally {
      sb.cleanup();
      fs.rmSync(project, { recursive: true, force: true });
      await emu.close();
    }
  });
});
