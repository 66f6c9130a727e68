/**
 * `wait_until_usable` (issue 18) below the engine: the emulator's S3 endpoints verify signatures
 * for real and refuse a new key for a while; the provider's create waits, bounded.
 */
import assert from "node:assert/strict";
import { cliSettings } from "../emulator/main";
import { Emulator, startEmulator } from "../emulator/server";
import { ApiKey, codecs } from "../provider/codecs";
import { isObjectStorageKeyError } from "../provider/errors";
import { probe } from "../provider/s3-probe";
import { probeGroups, s3EndpointBase } from "../provider/usable";
import { providerFor, rejection } from "./helpers";

/** A key as the codec decodes it (ids are branded integers). */
function asKey(v: unknown): ApiKey {
  const d = codecs().ApiKey.decode(v);
  if (d._tag === "Left") throw new Error("not a key");
  return d.right;
}
const creds = (k: { access_key: string; secret_key: string }) => ({ accessKeyId: k.access_key, secretAccessKey: k.secret_key });

describe("wait_until_usable (issue 18)", function () {
  this.timeout(20000);
  let emu: Emulator;
  before(async () => (emu = await startEmulator()));
  after(() => emu.close());
  beforeEach(() => {
    emu.reset();
    emu.s3.usableDelayMs = 0;
    emu.s3.delayedTypes = ["E2", "E3"];
  });
  const at = (endpoint: string, bucket?: string) => ({ endpoint, bucket });
  const opts = () => ({ base: emu.s3Url, timeoutMs: 2000 });

  describe("emulator S3 endpoints", () => {
    it("verify the signature for real: the right secret lists, a wrong secret gets 403 SignatureDoesNotMatch, an unknown key InvalidAccessKeyId", async () => {
      const key = emu.createDirect({ label: "unlimited", regions: ["us-iad"] });
      assert.deepEqual(await probe(at("us-iad-1.linodeobjects.com"), creds(key), opts()), { ok: true, why: "" });
      const wrong = { ...creds(key), secretAccessKey: key.secret_key.replace(/.$/, (c) => (c === "a" ? "b" : "a")) };
      assert.deepEqual(await probe(at("us-iad-1.linodeobjects.com"), wrong, opts()), { ok: false, why: "HTTP 403 SignatureDoesNotMatch" });
      assert.deepEqual(await probe(at("us-iad-1.linodeobjects.com"), { ...creds(key), accessKeyId: "NOSUCHKEY" }, opts()), {
        ok: false,
        why: "HTTP 403 InvalidAccessKeyId",
      });
      assert.deepEqual(await probe(at("gb-lon-1.linodeobjects.com"), creds(key), opts()), { ok: false, why: "HTTP 403 AccessDenied" }, "not its region");
    });

    it("refuse a new key with 403 AccessDenied for the set time, on E2/E3 endpoints only by default", async () => {
      emu.s3.usableDelayMs = 400;
      const key = emu.createDirect({ label: "limited", bucket_access: [{ bucket_name: "media", permissions: "read_only", region: "us-ord" }] });
      assert.deepEqual(await probe(at("us-ord-10.linodeobjects.com", "media"), creds(key), opts()), { ok: false, why: "HTTP 403 AccessDenied" }, "E3 refuses");
      assert.deepEqual(await probe(at("us-ord-1.linodeobjects.com", "media"), creds(key), opts()), { ok: true, why: "" }, "E1 accepts");
      assert.deepEqual(
        await probe(at("us-ord-1.linodeobjects.com", "other"), creds(key), opts()),
        { ok: false, why: "HTTP 403 AccessDenied" },
        "not its bucket",
      );
      await new Promise((r) => setTimeout(r, 450));
      assert.deepEqual(await probe(at("us-ord-10.linodeobjects.com", "media"), creds(key), opts()), { ok: true, why: "" }, "E3 accepts after the delay");
    });

    it("takes the delay and the types from the command line or the environment", () => {
      assert.deepEqual(cliSettings([], {}).s3, { usableDelayMs: 0, delayedTypes: ["E2", "E3"] });
      assert.deepEqual(cliSettings(["--s3-usable-delay-ms", "3000"], { LINODE_EMULATOR_S3_DELAYED_TYPES: "E3" }).s3, {
        usableDelayMs: 3000,
        delayedTypes: ["E3"],
      });
      assert.throws(() => cliSettings(["--s3-delayed-types", "E9"], {}), /--s3-delayed-types/);
    });
  });

  describe("provider", () => {
    it("probes every endpoint of an unlimited key, and each bucket of a limited key at its region's endpoints", () => {
      const region = (id: string, s3_endpoint: string) => ({ id, s3_endpoint, endpoint_type: "E1" });
      const base = { id: 1, label: "k", access_key: "A", secret_key: "S", limited: false };
      const unlimited = asKey({
        ...base,
        bucket_access: null,
        regions: [region("us-ord", "us-ord-1.x"), region("us-ord", "us-ord-10.x"), region("us-east", "us-east-1.x")],
      });
      assert.deepEqual(
        probeGroups(unlimited).map((g) => g.name),
        ["us-east-1.x", "us-ord-1.x", "us-ord-10.x"],
      );
      const limited = asKey({
        ...unlimited,
        limited: true,
        bucket_access: [
          { bucket_name: "a", permissions: "read_only", region: "us-ord" },
          { bucket_name: "a", permissions: "read_write", region: "us-ord" },
        ],
      });
      assert.deepEqual(probeGroups(limited), [
        {
          name: "bucket a in us-ord",
          targets: [
            { endpoint: "us-ord-1.x", bucket: "a" },
            { endpoint: "us-ord-10.x", bucket: "a" },
          ],
        },
      ]);
      assert.deepEqual(probeGroups({ ...limited, bucket_access: [] }), []);
    });

    it("s3EndpointBase: https, or http to this machine only; never with credentials", () => {
      assert.equal(s3EndpointBase(undefined, {}), undefined);
      assert.equal(s3EndpointBase(undefined, { LINODE_OBJKEY_S3_ENDPOINT_BASE: "http://127.0.0.1:9/s3/" }), "http://127.0.0.1:9/s3");
      assert.throws(() => s3EndpointBase(undefined, { LINODE_OBJKEY_S3_ENDPOINT_BASE: "http://proxy.example/s3" }), /linode-objkey:s3EndpointBase/);
      assert.throws(() => s3EndpointBase(undefined, { LINODE_OBJKEY_S3_ENDPOINT_BASE: "https://u:p@proxy.example/" }), /without credentials/);
    });

    it("check names the property of a bad wait_until_usable or timeout", async () => {
      const p = await providerFor(emu);
      const r = await p.check({}, { label: "key", wait_until_usable: "yes", wait_until_usable_timeout_seconds: 0 });
      assert.deepEqual(
        r.failures?.map((f) => f.property),
        ["wait_until_usable", "wait_until_usable_timeout_seconds"],
      );
    });

    it("create returns once the E3 endpoint accepts the new key", async () => {
      emu.s3.usableDelayMs = 1200;
      const p = await providerFor(emu, { "linode-objkey:s3EndpointBase": emu.s3Url });
      const start = Date.now();
      const made = await p.create({
        label: "waits",
        bucket_access: [{ bucket_name: "media", permissions: "read_write", region: "gb-lon" }],
        wait_until_usable: true,
      });
      assert.ok(Date.now() - start >= 1200, `returned after ${Date.now() - start} ms`);
      const key = emu.keys()[0];
      assert.equal(made.id, String(key.id));
      assert.deepEqual(await probe(at("gb-lon-1.linodeobjects.com", "media"), creds(key), opts()), { ok: true, why: "" }, "works at once");
    });

    it("without wait_until_usable, create does not wait and sends no S3 request", async () => {
      emu.s3.usableDelayMs = 5000;
      const p = await providerFor(emu, { "linode-objkey:s3EndpointBase": emu.s3Url });
      await p.create({ label: "no-wait", bucket_access: [{ bucket_name: "media", permissions: "read_write", region: "gb-lon" }] });
      assert.ok(!emu.requests.some((r) => r.path.startsWith("/s3/")));
    });

    it("past the bound: an unusable error naming the refusing endpoint, handed over as a partial create (id and outputs)", async () => {
      emu.s3.usableDelayMs = 60000;
      const p = await providerFor(emu, { "linode-objkey:s3EndpointBase": emu.s3Url });
      const err = await rejection(() =>
        p.create({
          label: "never",
          bucket_access: [{ bucket_name: "media", permissions: "read_write", region: "gb-lon" }],
          wait_until_usable: true,
          wait_until_usable_timeout_seconds: 1,
        }),
      );
      assert.ok(isObjectStorageKeyError(err, "unusable"), err.message);
      assert.match(err.message, /still refuse it: bucket media in gb-lon \(gb-lon-1\.linodeobjects\.com: HTTP 403 AccessDenied\)/);
      assert.match(err.message, /Tried: GET \/<bucket>\?list-type=2/);
      const [key] = emu.keys();
      assert.equal(Reflect.get(err, "id"), String(key.id));
      assert.equal((Reflect.get(err, "properties") as { secret_key?: string }).secret_key, key.secret_key, "the secret is kept for state");
      assert.ok(!err.message.includes(key.secret_key));
    });
  });
});
