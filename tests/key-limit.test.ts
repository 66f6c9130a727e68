/**
 * The account's key limit (issue 18): the emulator refuses a create at the limit and reports
 * usage; the provider turns the refusal into a message with usage, limit and what to do.
 */
import { createMarker } from "../provider/create-marker";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { KEY_LIMIT_REFUSAL, LIVE_KEY_LIMIT } from "../emulator/catalogue";
import { cliSettings } from "../emulator/main";
import { createKeysClient } from "../provider/client";
import { isLinodeApiError } from "../provider/errors";
import { isKeyLimitError } from "../provider/key-quota";
import { getObjectStorageKeyQuota } from "../provider/reads";
import { resolveSettings } from "../provider/settings";
import { FAST_RETRIES, calls, rejection, stackConfig, withProvider } from "./helpers";

const execFileAsync = promisify(execFile);
const USAGE = "/v4/object-storage/global-quotas/keys/usage";

describe("key limit (issue 18)", function () {
  this.timeout(20000);
  const ctx = withProvider();
  const client = () => createKeysClient(resolveSettings(stackConfig({ "linode:token": ctx.emu.token, "linode:url": ctx.emu.url, ...FAST_RETRIES }), {}));

  beforeEach(() => ctx.emu.setKeyLimit(LIVE_KEY_LIMIT));

  describe("emulator", () => {
    it("serves the usage endpoint: the limit (100 by default) and the keys held", async () => {
      const get = async () => (await fetch(ctx.emu.url + USAGE, { headers: { Authorization: `Bearer ${ctx.emu.token}` } })).json();
      assert.deepEqual(await get(), { quota_limit: 100, usage: 0 });
      ctx.emu.createDirect({ label: "one" });
      ctx.emu.createDirect({ label: "two" });
      assert.deepEqual(await get(), { quota_limit: 100, usage: 2 });
      const anonymous = await fetch(ctx.emu.url + USAGE);
      assert.equal(anonymous.status, 401);
      await anonymous.text();
    });

    it("refuses a create at the limit (status and field only: the answer is assumed), and creates again once the limit is raised", async () => {
      ctx.emu.setKeyLimit(2);
      ctx.emu.createDirect({ label: "one" });
      ctx.emu.createDirect({ label: "two" });
      const res = await fetch(ctx.emu.url + "/v4/object-storage/keys", {
        method: "POST",
        headers: { Authorization: `Bearer ${ctx.emu.token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ label: "three" }),
      });
      const body = (await res.json()) as { errors: { field?: string }[] };
      assert.equal(res.status, KEY_LIMIT_REFUSAL.status);
      assert.equal(body.errors[0].field, undefined);
      assert.equal(ctx.emu.keys().length, 2);
      ctx.emu.setKeyLimit(3);
      assert.equal(ctx.emu.createDirect({ label: "three" }).label, "three");
    });

    it("takes the limit from --key-limit or LINODE_EMULATOR_KEY_LIMIT, the option winning", () => {
      assert.equal(cliSettings([], {}).keyLimit, 100);
      assert.equal(cliSettings([], { LINODE_EMULATOR_KEY_LIMIT: "5" }).keyLimit, 5);
      assert.equal(cliSettings(["--key-limit", "7"], { LINODE_EMULATOR_KEY_LIMIT: "5" }).keyLimit, 7);
      assert.throws(() => cliSettings(["--key-limit=-1"], {}), /--key-limit must be a whole number/);
    });
  });

  describe("provider", () => {
    it("a create at the limit fails with usage, limit and what to do, read from the usage endpoint", async () => {
      ctx.emu.setKeyLimit(1);
      await ctx.p.create({ label: "first" });
      ctx.emu.clearRequests();
      const err = await rejection(() => ctx.p.create({ label: "second" }));
      assert.ok(isKeyLimitError(err), err.message);
      assert.deepEqual(err.keyQuota, { quota_limit: 1, usage: 1 });
      assert.match(err.message, /The account holds 1 Object Storage access keys and its limit is 1/);
      assert.match(err.message, /Revoke keys nobody uses/);
      assert.match(err.message, /npx linode-objkey untracked/);
      assert.match(err.message, /ask Linode support to raise the limit/);
      assert.ok(calls(ctx.emu).includes("GET /object-storage/global-quotas/keys/usage"), calls(ctx.emu).join(", "));
      assert.equal(ctx.emu.keys().length, 1);
    });

    it("a 400 below the limit is left as the API's error, not blamed on the limit", async () => {
      const err = await rejection(() => client().postKey({ label: "ok-label", regions: ["xx-nowhere"] }));
      assert.ok(isLinodeApiError(err));
      assert.ok(!isKeyLimitError(err));
      assert.doesNotMatch(err.message, /limit/);
    });

    it("getObjectStorageKeyQuota reads limit and usage", async () => {
      ctx.emu.createDirect({ label: "one" });
      assert.deepEqual(await getObjectStorageKeyQuota({ token: ctx.emu.token, url: ctx.emu.url }), { quota_limit: 100, usage: 1 });
    });
  });

  it("linode-objkey untracked prints the account's key usage beside the list", async () => {
    // A key this package left behind carries its create marker (20 minutes old: past --min-age).
    ctx.emu.createDirect({ label: createMarker(Date.now() - 20 * 60000) });
    const cli = path.join(__dirname, "../provider/cli.js");
    const state = JSON.stringify({
      deployment: { resources: [{ type: "pulumi-nodejs:dynamic/linode:ObjectStorageKey", id: "1", inputs: { label: "stray" } }] },
    });
    const env = { ...process.env, LINODE_TOKEN: ctx.emu.token, LINODE_URL: ctx.emu.url };
    const child = execFileAsync(process.execPath, [cli, "untracked"], { env });
    child.child.stdin?.end(state);
    const { stdout } = await child;
    assert.match(stdout, /Account key usage: 1 of 100 access keys \(99 left\)/);
    assert.match(stdout, /1 key\(s\) created by this package are held by no given state/);
    const json = execFileAsync(process.execPath, [cli, "untracked", "--json"], { env });
    json.child.stdin?.end(state);
    const out = await json;
    assert.equal((JSON.parse(out.stdout) as unknown[]).length, 1, "stdout stays the JSON list");
    assert.match(out.stderr, /Account key usage: 1 of 100/);
  });
});
