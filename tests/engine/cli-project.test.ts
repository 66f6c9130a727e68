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
import { Emulator, startEmulator } from "../../emulator/server";
import { createSandbox, packThisPackage, Sandbox } from "../../tools/sandbox";
import { exportedKeys, lastChanges, pinned, Pulumi, pulumiIn, sdkUnderTest } from "../../tools/pulumi-command";

/** The start of the plain-token refusal (provider/program-guards.ts). */
const PLAIN_TOKEN_START = "linode:token is set in plain text";

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
 * few names take a few hundred bytes to a few KB, while the code copied by value takes tens of KB
 * (docs/bench/results.md, "serialized provider from source").
 */
const BY_REFERENCE_MAX_BYTES = 4 * 1024;

describe("engine (pulumi CLI): a user's own TypeScript project, from the packed package", function () {
  let sb: Sandbox;
  let emu: Emulator;
  let project: string;
  let pulumi: Pulumi;

  before(async () => {
    sb = await createSandbox({ projectName: "unused", prefix: "objkey-cli-user-" });
    emu = await startEmulator();
    project = fs.mkdtempSync(path.join(os.tmpdir(), "objkey-user-project-"));
    const tarball = packThisPackage(sb.dir);
    fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "objkey-user", private: true, main: "index.ts" }, null, 2));
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: objkey-user\nruntime: nodejs\ndescription: A user's project\n");
    fs.writeFileSync(path.join(project, "tsconfig.json"), JSON.stringify(TSCONFIG, null, 2));
    fs.writeFileSync(path.join(project, "index.ts"), userProgram("app-key", "read_only"));
    const installs = [tarball, `@pulumi/pulumi@${sdkUnderTest()}`, `typescript@${pinned("typescript")}`, `@types/node@${pinned("@types/node")}`];
    await execFileAsync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", ...installs], { cwd: project, timeout: 300000 });
    pulumi = pulumiIn(sb, project);
  });

  after(async () => {
    sb?.cleanup();
    if (project) fs.rmSync(project, { recursive: true, force: true });
    await emu?.close();
  });

  it("CLI-2. up, no-op up, label update, bucket_access replace (create before delete), refresh, destroy", async () => {
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
    const [replacement] = emu.keys();
    assert.deepEqual(
      writes,
      ["POST /v4/object-storage/keys", `PUT /v4/object-storage/keys/${replacement.id}`, `DELETE /v4/object-storage/keys/${created[0].id}`],
      "create (POST, label PUT) before delete",
    );
    assert.equal(replacement.bucket_access?.[0]?.permissions, "read_write");
    assert.equal((await exportedKeys(pulumi)).app.id, String(replacement.id));

    await pulumi(["refresh", "--yes", "--non-interactive"]);
    assert.deepEqual(await lastChanges(pulumi), { kind: "refresh", changes: {} });

    await pulumi(["destroy", "--yes", "--non-interactive"]);
    assert.deepEqual((await lastChanges(pulumi)).changes, { delete: 2 });
    assert.equal(emu.keys().length, 0, "destroy revoked the key");
  });

  it("CLI-3. a linode:token set without --secret: pulumi up shows the refusal, calls no API, and the token is where the message says", async () => {
    fs.writeFileSync(path.join(project, "index.ts"), userProgram("plain-key", "read_only"));
    await pulumi(["stack", "init", "plain"]);
    await pulumi(["config", "set", "linode:url", emu.url]);
    // --plaintext: the CLI itself refuses a token-like value without --secret or it.
    // The value through stdin, as the secret one is: a failed command's error shows its arguments.
    await pulumi(["config", "set", "--plaintext", "linode:token"], { input: emu.token });
    const historyDir = path.join(sb.stateDir, ".pulumi", "history", "objkey-user", "plain");
    const historyHolds = () =>
      fs.existsSync(historyDir) && fs.readdirSync(historyDir).some((f) => fs.readFileSync(path.join(historyDir, f), "utf8").includes(emu.token));
    emu.clearRequests();
    // Refused in the preview: no update started, so the history has nothing yet.
    // Refused in the update (--skip-preview): the history now holds the token, as the message says.
    for (const [args, inHistory] of [
      [["up", "--yes", "--non-interactive"], false],
      [["up", "--yes", "--skip-preview", "--non-interactive"], true],
    ] as const) {
      const up = await pulumi([...args], { allowFailure: true });
      assert.notEqual(up.code, 0, `pulumi ${args.join(" ")} failed`);
      const shown = up.stdout + up.stderr;
      for (const part of [PLAIN_TOKEN_START, "pulumi config set --secret linode:token", "rotate the token", "Pulumi.<stack>.yaml", "pulumi stack history"])
        assert.ok(shown.includes(part), `pulumi ${args.join(" ")} shows "${part}":\n${shown}`);
      assert.ok(!shown.includes(emu.token), "the refusal does not print the token");
      assert.equal(historyHolds(), inHistory, `after pulumi ${args.join(" ")}, the update history ${inHistory ? "holds" : "does not hold"} the token`);
    }
    assert.deepEqual(emu.requests, [], "no API call");
    assert.equal(emu.keys().length, 0);
    assert.ok(fs.readFileSync(path.join(project, "Pulumi.plain.yaml"), "utf8").includes(emu.token), "Pulumi.plain.yaml holds it");
  });
});
