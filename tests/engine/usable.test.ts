/**
 * Issue 18, `wait_until_usable`, through the real engine against the emulator's S3 endpoints
 * (`linode-objkey:s3EndpointBase`): a create waits until the key works, a wait past its bound
 * fails clearly with the key kept in state, and a replacement revokes the old key only after the
 * new one works.
 */
import { strict as assert } from "node:assert";
import type { ObjectStorageKeyArgs } from "../../provider";
import { probe } from "../../provider/s3-probe";
import { EngineRun, engineRun, stateKeys } from "./harness";

const media = (bucket_name: string): ObjectStorageKeyArgs["bucket_access"] => [{ bucket_name, permissions: "read_write", region: "gb-lon" }];
const GB_LON = "gb-lon-1.linodeobjects.com"; // E3 in the live catalogue

/** An engine run whose provider sends S3 probes to the emulator. */
async function s3Run(stackName: string, spec: Record<string, ObjectStorageKeyArgs>): Promise<EngineRun> {
  const run = await engineRun({ stackName, spec });
  await run.stack.setConfig("linode-objkey:s3EndpointBase", { value: run.emu.s3Url });
  return run;
}

const s3Requests = (run: EngineRun, bucket: string) => run.emu.requests.filter((r) => r.path === `/s3/${GB_LON}/${bucket}`);

describe("engine: wait_until_usable (issue 18)", function () {
  it("an E3 limited key with a 3 s delay: up returns 3 s or more after the create, showing progress, and the key then works at once", async () => {
    const run = await s3Run("usable", { k: { label: "usable-key", bucket_access: media("media"), wait_until_usable: true } });
    try {
      run.emu.s3.usableDelayMs = 3000;
      let out = "";
      await run.stack.up({ color: "never", onOutput: (s) => (out += s) });
      const upEnded = Date.now();
      const post = run.emu.requests.find((r) => r.method === "POST");
      assert.ok(post, "the key was created");
      assert.ok(upEnded - post.endedAt >= 3000, `up returned ${upEnded - post.endedAt} ms after the create`);
      const accepted = s3Requests(run, "media").find((r) => r.status === 200);
      console.log(
        `      the key was created, then accepted ${accepted ? accepted.endedAt - post.endedAt : "?"} ms later; up returned ${upEnded - post.endedAt} ms after the create`,
      );
      assert.match(out, /waiting until Linode's S3 endpoints accept it, \d+\.\d s so far/);
      const refused = s3Requests(run, "media").filter((r) => r.status === 403);
      assert.ok(refused.length >= 1, "the endpoint refused the new key at first");
      const [key] = run.emu.keys();
      const secret = String((await run.stack.outputs()).kSecret.value);
      assert.equal(secret, key.secret_key);
      const start = Date.now();
      assert.deepEqual(
        await probe({ endpoint: GB_LON, bucket: "media" }, { accessKeyId: key.access_key, secretAccessKey: secret }, { base: run.emu.s3Url, timeoutMs: 2000 }),
        { ok: true, why: "" },
      );
      assert.ok(Date.now() - start < 1000, "a signed request with the new key succeeds at once");
      await run.stack.destroy({ color: "never" });
    } finally {
      await run.close();
    }
  });

  it("a delay longer than the bound: a clear error naming the endpoint, the key in state with its secret, no orphan; the next up keeps it", async () => {
    const run = await s3Run("unusable", {
      k: { label: "slow-key", bucket_access: media("media"), wait_until_usable: true, wait_until_usable_timeout_seconds: 2 },
    });
    try {
      run.emu.s3.usableDelayMs = 60000;
      let out = "";
      const failed = await run.stack.up({ color: "never", onOutput: (s) => (out += s) }).then(
        () => false,
        (e: Error) => ((out += e.message), true),
      );
      assert.ok(failed, "up fails");
      const [key] = run.emu.keys();
      assert.match(out, new RegExp(`Key ${key.id} \\("slow-key"\\) was created, but after \\d+\\.\\d s Linode's S3 endpoints still refuse it`));
      assert.match(out, /bucket media in gb-lon \(gb-lon-1\.linodeobjects\.com: HTTP 403 AccessDenied\)/);
      assert.match(out, /Pulumi keeps key \d+ in state with its secret/);
      const state = await stateKeys(run);
      assert.equal(state.k.id, String(key.id), "the key is in state");
      assert.equal(typeof state.k.outputs.secret_key, "object", "its secret as ciphertext");
      assert.deepEqual(
        run.emu.keys().map((k) => String(k.id)),
        [state.k.id],
        "no orphan",
      );
      assert.ok(!out.includes(key.secret_key), "the secret is not shown");
      run.emu.s3.usableDelayMs = 0;
      run.emu.clearRequests();
      await run.stack.up({ color: "never" });
      assert.equal((await stateKeys(run)).k.id, String(key.id), "the next up keeps the key");
      assert.deepEqual(
        run.emu.requests.filter((r) => r.method !== "GET").map((r) => r.method),
        [],
        "and neither makes nor revokes a key",
      );
      await run.stack.destroy({ color: "never" });
      assert.equal(run.emu.keys().length, 0);
    } finally {
      await run.close();
    }
  });

  it("a replacement revokes the old key only after the new one works", async () => {
    const spec: Record<string, ObjectStorageKeyArgs> = { k: { label: "replaced-key", bucket_access: media("alpha"), wait_until_usable: true } };
    const run = await s3Run("usable-replace", spec);
    try {
      await run.stack.up({ color: "never" });
      const old = Number((await stateKeys(run)).k.id);
      run.emu.clearRequests();
      run.emu.s3.usableDelayMs = 2000;
      spec.k = { ...spec.k, bucket_access: media("beta") };
      await run.stack.up({ color: "never" });
      const fresh = Number((await stateKeys(run)).k.id);
      assert.notEqual(fresh, old);
      const probes = s3Requests(run, "beta");
      const firstOk = probes.find((r) => r.status === 200);
      const del = run.emu.requests.find((r) => r.method === "DELETE");
      assert.ok(
        probes.some((r) => r.status === 403),
        "the new key was refused at first",
      );
      assert.ok(firstOk && del, "the new key worked and the old one was revoked");
      assert.equal(del.path, `/v4/object-storage/keys/${old}`);
      assert.ok(del.startedAt >= firstOk.endedAt, `DELETE at ${del.startedAt}, new key accepted at ${firstOk.endedAt}`);
      assert.deepEqual(
        run.emu.keys().map((k) => k.id),
        [fresh],
      );
      await run.stack.destroy({ color: "never" });
    } finally {
      await run.close();
    }
  });
});
