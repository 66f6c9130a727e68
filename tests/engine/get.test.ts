/**
 * `ObjectStorageKey.get` through the real engine: a key made elsewhere is read with one GET, its
 * outputs filled and its secret unknown, and `pulumi destroy` leaves it alone.
 */
import { strict as assert } from "node:assert";
import { startEmulator } from "../../emulator/server";
import { createSandbox, inlineStack } from "../../tools/sandbox";

describe("engine: ObjectStorageKey.get", function () {
  it("reads an existing key with one GET; outputs filled, secret_key undefined; destroy leaves the key alone", async () => {
    const emu = await startEmulator();
    const sb = await createSandbox({ projectName: "objkey-get-test", prefix: "objkey-get-" });
    try {
      const existing = emu.createDirect({ label: "made-elsewhere", bucket_access: [{ bucket_name: "logs", permissions: "read_only", region: "us-east" }] });
      const program = async () => {
        const { ObjectStorageKey } = require("../../provider") as typeof import("../../provider");
        const key = ObjectStorageKey.get("external", String(existing.id));
        return {
          label: key.label,
          accessKey: key.access_key,
          limited: key.limited,
          regions: key.regions,
          hasSecret: key.secret_key.apply((s) => s !== undefined),
        };
      };
      const stack = await inlineStack(sb, "get", "objkey-get-test", program, {
        "linode:token": { value: emu.token, secret: true },
        "linode:url": { value: emu.url },
      });
      emu.clearRequests();
      const up = await stack.up({ color: "never" });
      assert.deepEqual(
        emu.requests.map((r) => `${r.method} ${r.path}`),
        [`GET /v4/object-storage/keys/${existing.id}`],
        "one GET, nothing else",
      );
      const out = up.outputs;
      assert.equal(out.label.value, "made-elsewhere");
      assert.equal(out.accessKey.value, existing.access_key);
      assert.equal(out.limited.value, true);
      assert.deepEqual(out.regions.value, ["us-east"]);
      assert.equal(out.hasSecret.value, false, "Linode shows a secret only when it creates a key");
      await stack.destroy({ color: "never" });
      assert.deepEqual(
        emu.keys().map((k) => k.id),
        [existing.id],
        "destroy leaves a key read with get alone",
      );
      assert.ok(!emu.requests.some((r) => r.method === "DELETE"));
    } finally {
      sb.cleanup();
      await emu.close();
    }
  });

  it("a get of a key that does not exist fails naming the id, with no state entry; a get whose key is revoked later fails the next up", async () => {
    const emu = await startEmulator();
    const sb = await createSandbox({ projectName: "objkey-get-test", prefix: "objkey-get-missing-" });
    try {
      const existing = emu.createDirect({ label: "made-elsewhere" });
      let ids = ["424242"];
      const program = async () => {
        const { ObjectStorageKey } = require("../../provider") as typeof import("../../provider");
        return Object.fromEntries(ids.map((id, i) => [`label${i}`, ObjectStorageKey.get(`external${i}`, id).label]));
      };
      const stack = await inlineStack(sb, "get-missing", "objkey-get-test", program, {
        "linode:token": { value: emu.token, secret: true },
        "linode:url": { value: emu.url },
      });
      const output = async () => {
        let out = "";
        const ok = await stack.up({ color: "never", onOutput: (s) => (out += s) }).then(
          () => true,
          (e: Error) => ((out += e.message), false),
        );
        return { ok, out };
      };
      const missing = await output();
      assert.equal(missing.ok, false, "a get of a missing key fails");
      assert.match(missing.out, /key 424242 does not exist/);
      const exported = JSON.stringify((await stack.exportStack()).deployment);
      assert.ok(!exported.includes("external0"), "no state entry for the missing key");

      ids = ["01000"];
      const padded = await output();
      assert.equal(padded.ok, false);
      assert.match(padded.out, /"01000" is not an Object Storage key id/);

      ids = [String(existing.id)];
      assert.equal((await output()).ok, true);
      emu.revoke(existing.id);
      const revoked = await output();
      assert.equal(revoked.ok, false, "the next up fails once the key read with get is revoked");
      assert.match(revoked.out, new RegExp(`key ${existing.id} does not exist`));
    } finally {
      sb.cleanup();
      await emu.close();
    }
  });
});
