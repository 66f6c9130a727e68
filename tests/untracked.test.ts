/**
 * `linode-objkey untracked` (issue 16): it offers only keys this package left behind, found by
 * their create marker, and refuses bad ids before any request. Run as users run it: the built
 * CLI in a child process, against the emulator.
 */
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { createMarker } from "../provider/create-marker";
import { withEmulator } from "./helpers";

const execFileAsync = promisify(execFile);
const CLI = path.resolve(__dirname, "../provider/cli.js");
const MINUTE = 60000;

/** A `pulumi stack export` document holding these keys (id, and inputs as given). */
function exportOf(resources: { id: unknown; inputs?: Record<string, unknown>; external?: boolean }[]): unknown {
  const type = "pulumi-nodejs:dynamic/linode:ObjectStorageKey";
  return {
    version: 3,
    deployment: {
      resources: [
        { type: "pulumi:pulumi:Stack", urn: "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s" },
        ...resources.map((r, i) => ({ type, urn: `urn:pulumi:s::p::${type}::k${i}`, ...r })),
      ],
    },
  };
}

describe("linode-objkey untracked: only orphans, found by their create marker", function () {
  this.timeout(20000);
  const ctx = withEmulator();
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "untracked-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function untracked(...args: string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
    const env = { ...process.env, LINODE_TOKEN: ctx.emu.token, LINODE_URL: ctx.emu.url };
    return execFileAsync(process.execPath, [CLI, "untracked", ...args], { env }).then(
      (r) => ({ ok: true, ...r }),
      (e: { stdout: string; stderr: string }) => ({ ok: false, stdout: e.stdout, stderr: e.stderr }),
    );
  }
  const listed = async (...args: string[]) => (JSON.parse((await untracked(...args, "--json")).stdout) as { id: number }[]).map((k) => k.id);
  const stateFile = (doc: unknown) => {
    const file = path.join(dir, `export-${Math.random()}.json`);
    fs.writeFileSync(file, JSON.stringify(doc));
    return file;
  };
  const orphan = (ageMs = 20 * MINUTE) => ctx.emu.createDirect({ label: createMarker(Date.now() - ageMs) });

  it("given only stack A's export, never lists stack B's key with the same label, and refuses to revoke it", async () => {
    const a = ctx.emu.createDirect({ label: "deploy" });
    const b = ctx.emu.createDirect({ label: "deploy" });
    const left = orphan();
    const exportA = stateFile(exportOf([{ id: String(a.id), inputs: { label: "deploy" } }]));
    assert.deepEqual(await listed("--state", exportA), [left.id]);
    const refused = await untracked("--state", exportA, "--revoke", String(b.id));
    assert.equal(refused.ok, false);
    assert.match(refused.stderr, new RegExp(`Keys ${b.id} are not among the untracked keys listed; nothing was revoked`));
    assert.ok(!ctx.emu.requests.some((q) => q.method === "DELETE"));
  });

  it("given a stale export, never lists the key that replaced one it names", async () => {
    const replaced = ctx.emu.createDirect({ label: "rotating" });
    const replacement = ctx.emu.createDirect({ label: "rotating" });
    ctx.emu.revoke(replaced.id);
    const stale = stateFile(exportOf([{ id: String(replaced.id), inputs: { label: "rotating" } }]));
    assert.ok(!(await listed("--state", stale)).includes(replacement.id));
  });

  it("never lists hand-made keys that share the label of a key a stack reads with get", async () => {
    const read = ctx.emu.createDirect({ label: "shared-reader" });
    ctx.emu.createDirect({ label: "shared-reader" });
    const state = stateFile(exportOf([{ id: String(read.id), external: true }]));
    assert.deepEqual(await listed("--state", state), []);
  });

  it("finds an orphan whatever the stack's labels, also when they were passed as secrets", async () => {
    const left = orphan();
    const secretLabel = { "4dabf18193072939515e22adf176f4ac": "1b47061264138c4ac30d75a1d6eb1cf6", ciphertext: "v1:abc" };
    const state = stateFile(exportOf([{ id: "999999", inputs: { label: secretLabel } }]));
    assert.deepEqual(await listed("--state", state), [left.id]);
  });

  it("compares state ids that are numbers as ids: a tracked key that still carries a marker is not listed", async () => {
    const adopted = orphan();
    const state = stateFile(exportOf([{ id: adopted.id }]));
    assert.deepEqual(await listed("--state", state), []);
  });

  it("without any state, lists every key with a create marker older than --min-age, and says how many younger ones it left out", async () => {
    ctx.emu.createDirect({ label: "hand-made" });
    const old = orphan();
    const young = orphan(MINUTE);
    assert.deepEqual(await listed("--no-state"), [old.id]);
    assert.deepEqual((await listed("--no-state", "--min-age", "0")).sort(), [old.id, young.id].sort());
    const text = await untracked("--no-state");
    assert.match(text.stdout, /1 key\(s\) carry a create label younger than --min-age: creates that may still be running; not listed/);
    const revoked = await untracked("--no-state", "--revoke", String(old.id));
    assert.ok(revoked.ok, revoked.stderr);
    assert.deepEqual(
      ctx.emu
        .keys()
        .map((k) => k.id)
        .includes(old.id),
      false,
    );
  });

  for (const bad of ["0x3f7", "1.015e3", "+1015", "1015.0", "01015", "-5", ""]) {
    it(`refuses --revoke ${JSON.stringify(bad)} before any request`, async () => {
      const r = await untracked("--no-state", `--revoke=${bad}`);
      assert.equal(r.ok, false);
      assert.match(r.stderr, /--revoke takes key ids \(decimal digits, no leading zeros\) separated by commas/);
      assert.equal(ctx.emu.requests.length, 0);
    });
  }
});
