import { strict as assert } from "node:assert";
import type { Emulator } from "../emulator/server";
import { getObjectStorageKey, getObjectStorageKeys } from "../provider";
import { ObjectStorageKeyProvider } from "./provider-class";
import { createKeysClient } from "../provider/client";
import { USER_AGENT } from "../provider/http-attempt";
import type { KeyInputs, KeyOutputs } from "../provider/codecs";
import { resolveSettings } from "../provider/settings";
import { MARKER, assertMentions, calls, markedBody, providerFor, rejection, shapes, stackConfig, withProvider } from "./helpers";
import { UNKNOWN } from "../provider/unknowns";

describe("provider against the emulator", () => {
  let emu: Emulator;
  let p: ObjectStorageKeyProvider;

  const ctx = withProvider();
  beforeEach(() => ({ emu, p } = ctx));

  /** The body of the one POST the emulator saw. */
  function postBody(): unknown {
    const posts = emu.requests.filter((r) => r.method === "POST");
    assert.equal(posts.length, 1, "exactly one POST");
    return markedBody(posts[0].body);
  }

  async function created(inputs: Record<string, unknown>) {
    const checked = await p.check({} as KeyInputs, inputs as unknown as KeyInputs);
    assert.deepEqual(checked.failures, undefined);
    const result = await p.create(checked.inputs!);
    return { id: result.id, outs: result.outs! };
  }

  describe("check", () => {
    it("fails before any API call and names each property", async () => {
      const r = await p.check({} as KeyInputs, { label: "x", bucket_access: [{ bucket_name: "b", permissions: "rw" }] } as unknown as KeyInputs);
      assert.deepEqual(
        r.failures!.map((f) => f.property),
        ["label", "bucket_access[0].bucket_name", "bucket_access[0].permissions", "bucket_access[0].region"],
      );
      assert.equal(emu.requests.length, 0);
    });

    it("ignores __provider and passes preview unknowns", async () => {
      const r = await p.check({} as KeyInputs, { __provider: "code", label: UNKNOWN, regions: [UNKNOWN] } as unknown as KeyInputs);
      assert.equal(r.failures, undefined);
      assert.deepEqual(r.inputs, { label: UNKNOWN, regions: [UNKNOWN] });
    });
  });

  describe("create", () => {
    it("makes an unlimited key with one POST that carries no bucket_access", async () => {
      const { id, outs } = await created({ label: "  unlimited-key " });
      assert.deepEqual(
        shapes(emu),
        ["POST /object-storage/keys", "PUT /object-storage/keys/{id}"],
        "one POST under a create marker, then one PUT of the label",
      );
      assert.deepEqual(postBody(), { label: MARKER });
      assert.deepEqual(emu.requests[1].body, { label: "unlimited-key" });
      assert.equal(outs.label, "unlimited-key");
      const stored = emu.keys().find((k) => String(k.id) === id)!;
      assert.equal(outs.secret_key, stored.secret_key);
      assert.equal(outs.access_key, stored.access_key);
      assert.equal(outs.limited, false);
      assert.equal(outs.bucket_access, null);
      assert.equal(new Set(outs.regions).size, outs.regions.length, "regions are deduplicated");
      assert.equal("regions_details" in outs, false, "regions_details only on request");
    });

    it("makes a limited key with access to no bucket from []", async () => {
      const { outs } = await created({ label: "no-buckets", bucket_access: [] });
      assert.deepEqual(postBody(), { label: MARKER, bucket_access: [] });
      assert.equal(outs.limited, true);
      assert.deepEqual(outs.bucket_access, []);
    });

    it("sends a legacy cluster as its region and reports the API's bucket_access", async () => {
      const { outs } = await created({ label: "legacy", bucket_access: [{ bucket_name: "logs", permissions: "read_only", cluster: "us-east-1" }] });
      assert.deepEqual(postBody(), { label: MARKER, bucket_access: [{ bucket_name: "logs", permissions: "read_only", region: "us-east" }] });
      assert.deepEqual(outs.bucket_access, [{ cluster: "us-east-1", bucket_name: "logs", permissions: "read_only", region: "us-east" }]);
      assert.deepEqual(outs.regions, ["us-east"]);
    });

    it("after a create that timed out, keeps looking for its key; the late key is revoked (its secret is lost) and a new one made", async () => {
      // The API is still working on the POST when the client gives up (timeout 400 ms); the key
      // appears 650 ms after the request, while the client looks for its marker.
      emu.inject({ kind: "act-late", ms: 650, method: "POST" });
      const r = await p.create({ label: "late-key", __provider: "code" } as unknown as KeyInputs);
      const keys = emu.keys();
      assert.deepEqual(
        keys.map((k) => String(k.id)),
        [r.id],
        "exactly the new key: the late one was found and revoked",
      );
      const revoked = emu.requests.filter((q) => q.method === "DELETE").map((q) => q.path);
      assert.equal(revoked.length, 1);
      assert.notEqual(revoked[0], `/v4/object-storage/keys/${r.id}`);
      assert.equal(emu.requests.filter((q) => q.method === "POST").length, 2, "one POST more after the revoke");
    });

    it("surfaces the API's validation error with status, field and reason", async () => {
      const err = await rejection(() =>
        p.create({ label: "bad-region", bucket_access: [{ bucket_name: "b1b", permissions: "read_only", region: "xx-nowhere" }] }),
      );
      assert.match(err.message, /HTTP 400/);
      assert.match(err.message, /\[bucket_access\[0\]\.region\] Region not found/);
      assert.equal(emu.keys().length, 0);
    });
  });

  describe("read", () => {
    it("keeps the secret from state, never [REDACTED], and shows an outside label change", async () => {
      const { id, outs } = await created({ label: "read-me" });
      emu.setLabel(Number(id), "renamed-outside");
      emu.clearRequests();
      const r = await p.read(id, outs);
      assert.deepEqual(calls(emu), [`GET /object-storage/keys/${id}`]);
      assert.equal(r.id, id);
      assert.equal(r.props!.secret_key, outs.secret_key);
      assert.equal(r.props!.label, "renamed-outside");
      const noSecret = await p.read(id, undefined);
      assert.equal(noSecret.props!.secret_key, undefined);
      assert.ok(!JSON.stringify(noSecret).includes("[REDACTED]"));
    });

    it("returns no id when the key is gone (404)", async () => {
      const { id, outs } = await created({ label: "gone-key" });
      emu.revoke(Number(id));
      assert.deepEqual(await p.read(id, outs), {});
    });
  });

  describe("diff", () => {
    it("calls no API and classifies update versus replace", async () => {
      const { outs } = await created({ label: "diff-key", regions: ["us-east"] });
      emu.clearRequests();
      assert.deepEqual(await p.diff("1", outs, { label: "diff-key", regions: ["us-east"] }), { changes: false, replaces: [], deleteBeforeReplace: false });
      assert.deepEqual(await p.diff("1", outs, { label: "diff-key-2" }), { changes: true, replaces: [], deleteBeforeReplace: false });
      assert.deepEqual((await p.diff("1", outs, { label: "diff-key", bucket_access: [] })).replaces, ["bucket_access"]);
      assert.equal(emu.requests.length, 0);
    });
  });

  describe("update", () => {
    it("sends one PUT with only the changed label and keeps the secret", async () => {
      const { id, outs } = await created({ label: "before-label", regions: ["us-east"] });
      emu.clearRequests();
      const r = await p.update(id, outs, { label: "after-label", regions: ["us-east"] });
      assert.deepEqual(calls(emu), [`PUT /object-storage/keys/${id}`]);
      assert.deepEqual(emu.requests[0].body, { label: "after-label" });
      assert.equal(r.outs!.label, "after-label");
      assert.equal(r.outs!.secret_key, outs.secret_key);
    });

    it("sends the full regions list when regions change", async () => {
      const { id, outs } = await created({ label: "regions-key", regions: ["us-east"] });
      emu.clearRequests();
      const r = await p.update(id, outs, { label: "regions-key", regions: ["us-east", "us-ord"] });
      assert.deepEqual(emu.requests[0].body, { regions: ["us-east", "us-ord"] });
      assert.deepEqual([...r.outs!.regions].sort(), ["us-east", "us-ord"]);
    });

    it("says to refresh when the key was revoked outside Pulumi", async () => {
      const { id, outs } = await created({ label: "revoked-key" });
      emu.revoke(Number(id));
      const err = await rejection(() => p.update(id, outs, { label: "revoked-key-2" }));
      assert.match(err.message, /HTTP 404: The specified access key was not found.*run pulumi refresh/);
    });

    it("sends nothing when nothing changed", async () => {
      const { id, outs } = await created({ label: "same-key" });
      emu.clearRequests();
      const r = await p.update(id, { ...outs, __provider: "x" } as KeyOutputs, { label: "same-key" });
      assert.equal(emu.requests.length, 0);
      assert.deepEqual(r.outs, outs);
    });
  });

  describe("regions_details, only on request", () => {
    it("a key made with include_regions_details: true has one entry per endpoint, from the create answer", async () => {
      const { outs } = await created({ label: "details-key", include_regions_details: true });
      assert.deepEqual(shapes(emu), ["POST /object-storage/keys", "PUT /object-storage/keys/{id}"]);
      assert.equal(outs.include_regions_details, true);
      assert.ok(outs.regions_details!.length > outs.regions.length, "one entry per endpoint: us-ord and us-lax have two");
      assert.deepEqual([...new Set(outs.regions_details!.map((d) => d.id))], outs.regions);
    });

    it("turning it on updates in place with one GET and no PUT; turning it off sends nothing", async () => {
      const { id, outs } = await created({ label: "details-later" });
      const on = { label: "details-later", include_regions_details: true };
      assert.deepEqual(await p.diff(id, outs, on), { changes: true, replaces: [], deleteBeforeReplace: false });
      emu.clearRequests();
      const withDetails = (await p.update(id, outs, on)).outs!;
      assert.deepEqual(calls(emu), [`GET /object-storage/keys/${id}`]);
      assert.equal(withDetails.secret_key, outs.secret_key, "the secret is kept");
      assert.equal(withDetails.regions_details!.length, 20);
      assert.equal((await p.diff(id, withDetails, on)).changes, false);
      emu.clearRequests();
      const off = { label: "details-later", include_regions_details: false };
      const without = (await p.update(id, withDetails, off)).outs!;
      assert.equal(emu.requests.length, 0);
      assert.deepEqual(without, outs);
      assert.equal((await p.diff(id, without, { label: "details-later" })).changes, false, "false and absent are the same");
    });

    it("turning it on for a key revoked outside Pulumi says to refresh", async () => {
      const { id, outs } = await created({ label: "details-revoked" });
      emu.revoke(Number(id));
      const err = await rejection(() => p.update(id, outs, { label: "details-revoked", include_regions_details: true }));
      assert.match(err.message, /HTTP 404: The specified access key was not found.*run pulumi refresh/);
    });

    it("a refresh keeps what the stored outputs asked for", async () => {
      const { id, outs } = await created({ label: "details-read", include_regions_details: true });
      const read = await p.read(id, outs);
      assert.deepEqual(read.props, outs);
      const plain = await created({ label: "plain-read" });
      assert.equal("regions_details" in (await p.read(plain.id, plain.outs)).props!, false);
    });

    it("check refuses a value other than a boolean, naming the property", async () => {
      const r = await p.check({} as KeyInputs, { label: "bad-flag", include_regions_details: "yes" } as unknown as KeyInputs);
      assert.deepEqual(r.failures, [{ property: "include_regions_details", reason: "must be true or false, not string" }]);
      assert.equal(emu.requests.length, 0);
    });
  });

  describe("delete", () => {
    it("revokes with one DELETE, and a key already gone counts as revoked", async () => {
      const { id } = await created({ label: "delete-me" });
      emu.clearRequests();
      await p.delete(id);
      assert.deepEqual(calls(emu), [`DELETE /object-storage/keys/${id}`]);
      assert.equal(emu.keys().length, 0);
      await p.delete(id);
      assert.equal(emu.requests[1].status, 404);
    });
  });

  describe("errors and settings", () => {
    it("says the token is wrong or lacks the scope on 401, without echoing the token", async () => {
      const bad = await providerFor(emu, { "linode:token": "wrong-token-value" });
      const err = await rejection(() => bad.read("1"));
      assert.match(err.message, /HTTP 401.*Invalid Token.*token is wrong, expired, or lacks the object_storage scope/);
      assert.ok(!err.message.includes("wrong-token-value"));
    });

    it("names both ways to set a missing token", async () => {
      const none = new ObjectStorageKeyProvider();
      await none.configure({ config: stackConfig({ "linode:url": emu.url }) });
      const saved = process.env.LINODE_TOKEN;
      delete process.env.LINODE_TOKEN;
      try {
        const err = await rejection(() => none.read("1"));
        assert.match(err.message, /linode:token/);
        assert.match(err.message, /LINODE_TOKEN/);
      } finally {
        if (saved !== undefined) process.env.LINODE_TOKEN = saved;
      }
      assert.equal(emu.requests.length, 0);
    });

    it("prefers stack config over the environment, and reads the environment otherwise", () => {
      const env = { LINODE_TOKEN: "from-env", LINODE_URL: "https://env.example", LINODE_API_VERSION: "v4beta" };
      const s1 = resolveSettings(stackConfig({ "linode:token": "from-config" }), env);
      assert.equal(s1.token, "from-config");
      assert.equal(s1.baseUrl, "https://env.example/v4beta");
      const s2 = resolveSettings(undefined, env);
      assert.equal(s2.token, "from-env");
      const s3 = resolveSettings(undefined, { LINODE_TOKEN: "t" });
      assert.equal(s3.baseUrl, "https://api.linode.com/v4");
    });

    it("refuses a URL that carries credentials, without echoing them", () => {
      const err = (() => {
        try {
          resolveSettings(stackConfig({ "linode:token": "t", "linode:url": "https://user:hunter2@api.example" }), {});
        } catch (e) {
          return e as Error;
        }
        return assert.fail("expected an error");
      })();
      assert.match(err.message, /url must not carry credentials/);
      assert.ok(!err.message.includes("hunter2"));
    });

    it("rejects a malformed retry setting, naming it", () => {
      assert.throws(
        () => resolveSettings(stackConfig({ "linode:token": "t", "linode-objkey:maxRetries": "many" }), {}),
        /maxRetries.*linode-objkey:maxRetries.*LINODE_MAX_RETRIES/,
      );
    });

    it("sends a User-Agent naming the package and version", async () => {
      await created({ label: "ua-check" });
      assert.equal(emu.requests[0].headers["user-agent"], USER_AGENT);
      const pkg = require("../../package.json") as { name: string; version: string };
      assert.equal(USER_AGENT, `${pkg.name}/${pkg.version}`);
    });

    it("treats a 200 to a POST that does not decode as a create that may have acted: it looks for its marker, then POSTs anew", async () => {
      emu.inject({ kind: "status", status: 200, method: "POST", body: { id: 4242, label: "half-key" } });
      const r = await p.create({ label: "half-key" });
      assert.deepEqual(shapes(emu), ["POST /object-storage/keys", "GET /object-storage/keys", "POST /object-storage/keys", "PUT /object-storage/keys/{id}"]);
      assert.deepEqual(
        emu.keys().map((k) => String(k.id)),
        [r.id],
      );
    });

    it("fails clearly when a response does not decode", async () => {
      const { id } = await created({ label: "decode-me" });
      emu.inject({ kind: "status", status: 200, method: "GET", body: { id: Number(id), label: 5 } as unknown as string });
      const err = await rejection(() => p.read(id));
      assertMentions(err.message, "label");
    });
  });

  describe("listing and reads for programs", () => {
    it("lists every key across pages", async () => {
      for (let i = 0; i < 60; i++) emu.createDirect({ label: `bulk-key-${i}` });
      emu.clearRequests();
      const client = createKeysClient(resolveSettings(stackConfig({ "linode:token": emu.token, "linode:url": emu.url }), {}));
      const all = await client.listKeys(25);
      assert.equal(all.length, 60);
      assert.equal(new Set(all.map((k) => k.id)).size, 60);
      assert.deepEqual(
        emu.requests.map((r) => r.query.page),
        ["1", "2", "3"],
      );
    });

    it("getObjectStorageKey(s) read with explicit settings and show [REDACTED] secrets", async () => {
      const k = emu.createDirect({ label: "program-read" });
      const one = await getObjectStorageKey(k.id, { token: emu.token, url: emu.url });
      assert.equal(one!.label, "program-read");
      assert.equal(one!.secret_key, "[REDACTED]");
      assert.equal(await getObjectStorageKey(999999, { token: emu.token, url: emu.url }), undefined);
      const all = await getObjectStorageKeys({ token: emu.token, url: emu.url });
      assert.deepEqual(
        all.map((x) => x.id),
        [k.id],
      );
    });
  });
});
