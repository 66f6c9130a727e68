/**
 * Engine test of the repository's own Pulumi.yaml, run by the `pulumi` command and the Node.js
 * language host as a user runs it at the root of a clone: the program it runs must declare the
 * example's keys, whether or not the repository was built.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator } from "../../emulator/server";
import { ROOT, createSandbox } from "../../tools/sandbox";
import { exportedKeys, lastChanges, pulumiIn } from "../../tools/pulumi-command";

/** The files of a clone that decide what `pulumi up` at its root runs (the rest is not read). */
const ROOT_FILES = ["Pulumi.yaml", "package.json", "tsconfig.json", "examples", "provider"];

describe("engine (pulumi CLI): the repository's Pulumi.yaml", function () {
  it("CLI-1. pulumi up at the root runs the example: its three ObjectStorageKeys, built or not", async () => {
    const sb = await createSandbox({ projectName: "unused", prefix: "objkey-cli-root-" });
    const emu = await startEmulator();
    // A copy of the root, so that `pulumi stack init` (which writes Pulumi.<stack>.yaml beside
    // Pulumi.yaml) leaves the working tree alone.
    const clone = path.join(sb.dir, "clone");
    try {
      for (const f of ROOT_FILES) fs.cpSync(path.join(ROOT, f), path.join(clone, f), { recursive: true });
      fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(clone, "node_modules"), "dir");
      fs.symlinkSync(path.join(ROOT, "dist"), path.join(clone, "dist"), "dir");
      const pulumi = pulumiIn(sb, clone);
      await pulumi(["stack", "init", "root"]);
      await pulumi(["config", "set", "linode:url", emu.url]);
      await pulumi(["config", "set", "--secret", "linode:token"], { input: emu.token });

      // Built: dist/ holds the library that package.json's `main` names.
      const up = await pulumi(["up", "--yes", "--non-interactive"]);
      const keys = await exportedKeys(pulumi);
      assert.deepEqual(
        Object.keys(keys).sort(),
        ["limited", "regional", "unlimited"],
        `the program at the root declares the example's keys; pulumi up printed:\n${up.stdout}`,
      );
      assert.deepEqual((await lastChanges(pulumi)).changes, { create: 4 }, "three keys and the stack");
      // Here the example imports ../provider, so its code is stored by value (docs/limits.md says why).
      console.log(`      at the root, __provider is ${Buffer.byteLength(String(keys.unlimited.inputs?.__provider))} bytes per copy (by value)`);
      assert.deepEqual(
        emu
          .keys()
          .map((k) => k.label)
          .sort(),
        ["example-limited", "example-regional", "example-unlimited"],
      );

      // Not built: the same program, without a fallback warning, and nothing to change.
      fs.unlinkSync(path.join(clone, "dist"));
      const again = await pulumi(["up", "--yes", "--non-interactive", "--expect-no-changes"]);
      assert.doesNotMatch(again.stdout + again.stderr, /Could not find entry point/);
      assert.deepEqual(Object.keys(await exportedKeys(pulumi)).sort(), ["limited", "regional", "unlimited"]);

      await pulumi(["destroy", "--yes", "--non-interactive"]);
      assert.equal(emu.keys().length, 0, "destroy revoked every key");
    } finally {
      sb.cleanup();
      await emu.close();
    }
  });
});
