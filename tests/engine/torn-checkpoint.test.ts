/**
 * A stack file torn by a crash (issue 17): Pulumi cannot load it, and the recovery in
 * docs/crash-recovery-torn-checkpoint.md, run as written, plus `linode-objkey untracked`, leaves
 * the account holding exactly the stack's keys. The tear is made on purpose, never by a race.
 */
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import type { ObjectStorageKeyArgs } from "../../provider";
import { ROOT } from "../../tools/sandbox";
import { assertAccountHolds, engineRun, killUpMidCreates, stateKeys } from "./harness";

const execFileAsync = promisify(execFile);
const DOC = path.join(ROOT, "docs", "crash-recovery-torn-checkpoint.md");
const PROJECT = "objkey-engine-test";

/** The doc's shell block that follows the `restore-from-bak` marker, exactly as users read it. */
function documentedRecovery(): string {
  const doc = fs.readFileSync(DOC, "utf8");
  const block = /<!-- restore-from-bak:[^>]*-->\n```sh\n([\s\S]*?)```/.exec(doc);
  assert.ok(block, `${DOC} has no restore-from-bak block`);
  return block[1];
}

/** Files under `dir` (recursively), or none when it does not exist. */
function filesIn(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".json")) : [];
}

describe("engine: recovery from a torn checkpoint (docs/crash-recovery-torn-checkpoint.md)", function () {
  it("a stack file cut short by a crash is refused; the documented restore from <stack>.json.bak and linode-objkey untracked leave exactly the stack's keys", async () => {
    const spec: Record<string, ObjectStorageKeyArgs> = {};
    for (let i = 0; i < 12; i++) spec[`t${i}`] = { label: `torn-${i}` };
    const run = await engineRun({ stackName: "torn", spec, config: { "linode-objkey:timeoutMs": "10000", "linode:minRetryDelayMs": "10" } });
    const pulumiDir = path.join(run.sb.stateDir, ".pulumi");
    const stackFile = path.join(pulumiDir, "stacks", PROJECT, "torn.json");
    const env = { ...process.env, ...run.sb.envVars };
    const pulumi = (...args: string[]) =>
      execFileAsync(run.sb.pulumiBin, [...args, "--stack", "torn", "--non-interactive"], { cwd: run.sb.workDir, env, maxBuffer: 1 << 30 });
    try {
      // A first, complete up of 4 of the keys gives the .bak something to restore; then a crash
      // mid-update, killed at 4 new keys while no write is under way.
      run.spec = Object.fromEntries(Object.entries(spec).slice(0, 4));
      await run.stack.up({ color: "never" });
      run.spec = spec;
      await killUpMidCreates(run, 8);

      // The tear: the stack file cut to half its length, as a write the kill interrupted leaves it.
      const bak = `${stackFile}.bak`;
      assert.ok(fs.existsSync(bak), `the file backend keeps ${path.relative(run.sb.stateDir, bak)}`);
      const good: { checkpoint: { latest: { resources?: { type: string }[] } } } = JSON.parse(fs.readFileSync(bak, "utf8"));
      const keysInBak = (good.checkpoint.latest.resources ?? []).filter((r) => r.type.endsWith(":ObjectStorageKey")).length;
      fs.truncateSync(stackFile, Math.floor(fs.statSync(stackFile).size / 2));
      const refused = await pulumi("refresh", "--yes", "--skip-preview", "--clear-pending-creates").then(
        () => "refresh succeeded",
        (e: { stderr: string }) => e.stderr,
      );
      assert.match(refused, /failed to load checkpoint/, "Pulumi cannot load a torn stack file");
      const backups = filesIn(path.join(pulumiDir, "backups", PROJECT, "torn"));
      const history = filesIn(path.join(pulumiDir, "history", PROJECT, "torn")).filter((f) => f.endsWith(".checkpoint.json"));
      console.log(
        `      torn: .bak holds ${keysInBak} of ${run.emu.keys().length} live keys; backups/: ${backups.length} files, history/: ${history.length} checkpoints`,
      );

      // The documented steps, as written; `linode-objkey` is this checkout's CLI.
      const bin = fs.mkdtempSync(path.join(run.sb.dir, "bin-"));
      fs.writeFileSync(path.join(bin, "linode-objkey"), `#!/bin/sh\nexec "${process.execPath}" "${path.join(ROOT, "dist", "provider", "cli.js")}" "$@"\n`, {
        mode: 0o755,
      });
      const recovery = await execFileAsync("bash", ["-euo", "pipefail", "-c", documentedRecovery()], {
        cwd: run.sb.workDir,
        env: {
          ...env,
          PATH: `${bin}${path.delimiter}${env.PATH}`,
          PULUMI_NODEJS_ROOT_DIRECTORY: run.sb.workDir,
          STATE_DIR: run.sb.stateDir,
          PROJECT,
          STACK: "torn",
          LINODE_TOKEN: run.emu.token,
          LINODE_URL: run.emu.url,
        },
        maxBuffer: 1 << 30,
      });

      const tracked = Object.values(await stateKeys(run)).map((r) => Number(r.id));
      assert.equal(tracked.length, 12, "after the recovery the stack tracks all 12 keys");
      const orphans = run.emu
        .keys()
        .map((k) => k.id)
        .filter((id) => !tracked.includes(id));
      assert.ok(orphans.length > 0, "the crash left keys no state tracks (the scenario is not vacuous)");
      for (const id of orphans) assert.match(recovery.stdout, new RegExp(`\\b${id}\\b`), `step 6 lists untracked key ${id}:\n${recovery.stdout}`);

      const exportFile = path.join(run.sb.workDir, "torn.state.json");
      const cliEnv = { ...process.env, LINODE_TOKEN: run.emu.token, LINODE_URL: run.emu.url };
      const cli = path.join(ROOT, "dist", "provider", "cli.js");
      const listed = JSON.parse(
        (await execFileAsync(process.execPath, [cli, "untracked", "--state", exportFile, "--min-age", "0", "--json"], { env: cliEnv })).stdout,
      ) as {
        id: number;
      }[];
      assert.deepEqual(listed.map((k) => k.id).sort(), [...orphans].sort(), "untracked lists exactly the keys no state tracks");
      await execFileAsync(process.execPath, [cli, "untracked", "--state", exportFile, "--min-age", "0", "--revoke", orphans.join(",")], { env: cliEnv });
      assertAccountHolds(run, tracked);
      await pulumi("destroy", "--yes", "--skip-preview");
      assert.equal(run.emu.keys().length, 0);
    } finally {
      await run.close();
    }
  });
});
