/**
 * `connection` (issue 18) below the engine: check names the property and never echoes the token,
 * a new connection updates and never replaces, and every verb goes to the key's own account.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { Emulator, startEmulator } from "../emulator/server";
import { guardConnection } from "../provider/program-guards";
import { createMarker } from "../provider/create-marker";
import { diffKey } from "../provider/diff";
import { calls, providerFor, rejection } from "./helpers";
import { ObjectStorageKeyProvider } from "./provider-class";

const SECRET_TOKEN = "tok en-with-a-space-0123456789";

describe("connection (issue 18)", function () {
  this.timeout(20000);
  let a: Emulator;
  let b: Emulator;
  let p: ObjectStorageKeyProvider;
  before(async () => {
    a = await startEmulator();
    b = await startEmulator({ tokens: ["b-token-1", "b-token-2"], firstId: 9000 });
    p = await providerFor(a);
  });
  after(async () => {
    await a.close();
    await b.close();
  });
  beforeEach(() => (a.reset(), b.reset()));

  it("check names the property and the reason, never the token", async () => {
    const failures = async (connection: unknown) => (await p.check({}, { label: "key", connection })).failures ?? [];
    assert.deepEqual(
      (await failures("plain")).map((f) => f.property),
      ["connection"],
    );
    assert.deepEqual(
      (await failures({ url: b.url })).map((f) => f.property),
      ["connection.token"],
    );
    const spaced = await failures({ token: SECRET_TOKEN });
    assert.deepEqual(
      spaced.map((f) => f.property),
      ["connection.token"],
    );
    assert.ok(!JSON.stringify(spaced).includes("with-a-space"), "the token is not echoed");
    assert.deepEqual(
      (await failures({ token: "t0ken", url: "http://example.com" })).map((f) => f.property),
      ["connection.url"],
    );
    assert.deepEqual(
      (await failures({ token: "t0ken", apiUrl: "x" })).map((f) => f.property),
      ["connection.apiUrl"],
    );
    const ok = await p.check({}, { label: "key", connection: { token: " t0ken\n", url: b.url } });
    assert.deepEqual(ok.inputs?.connection, { token: "t0ken", url: b.url, apiVersion: "v4" }, "resolved: trimmed, defaults filled");
  });

  it("a new token, URL or removing connection updates in place; nothing replaces", () => {
    const olds = { label: "key", bucket_access: null, secret_key: "s", regions: [], connection: { token: "one", url: b.url, apiVersion: "v4" } };
    for (const connection of [{ token: "two", url: b.url, apiVersion: "v4" }, { token: "one", url: a.url, apiVersion: "v4" }, undefined]) {
      const d = diffKey(olds, { label: "key", connection });
      assert.deepEqual([d.changes, d.replaces, d.updates], [true, [], ["connection"]]);
    }
    assert.equal(diffKey(olds, { label: "key", connection: { ...olds.connection } }).changes, false);
  });

  it("create, read, update and delete go to the key's own account; the stack's account sees nothing", async () => {
    const connection = { token: "b-token-1", url: b.url, apiVersion: "v4" };
    const created = await p.create({ label: "in-b", connection });
    assert.equal(created.outs?.connection?.token, "b-token-1", "stored with the key (the resource marks it secret)");
    await p.read(created.id, created.outs);
    await p.update(created.id, created.outs!, { label: "in-b-renamed", connection });
    await p.delete(created.id, created.outs);
    assert.deepEqual(calls(a), []);
    assert.deepEqual(
      calls(b).filter((c) => !c.startsWith("GET /object-storage/keys?") && c !== "GET /object-storage/keys"),
      [
        "POST /object-storage/keys",
        `PUT /object-storage/keys/${created.id}`,
        `GET /object-storage/keys/${created.id}`,
        `PUT /object-storage/keys/${created.id}`,
        `DELETE /object-storage/keys/${created.id}`,
      ],
    );
  });

  it("another token of the account: one GET, then recorded; a token of another account: an error naming the key, nothing sent but the GET", async () => {
    const created = await p.create({ label: "rotating", connection: { token: "b-token-1", url: b.url, apiVersion: "v4" } });
    b.clearRequests();
    const rotated = { token: "b-token-2", url: b.url, apiVersion: "v4" };
    const up = await p.update(created.id, created.outs!, { label: "rotating", connection: rotated });
    assert.deepEqual(up.outs?.connection, rotated);
    assert.deepEqual(calls(b), [`GET /object-storage/keys/${created.id}`]);
    const wrong = await rejection(() => p.update(created.id, up.outs!, { label: "rotating", connection: { token: a.token, url: a.url, apiVersion: "v4" } }));
    assert.match(wrong.message, new RegExp(`Key ${created.id} is not visible with the new connection settings`));
    assert.ok(!wrong.message.includes(a.token));
    assert.ok(a.requests.every((r) => r.method === "GET"));
    assert.equal(b.keys().length, 1);
  });

  it("linode-objkey untracked lists another account with --url and --token-env (the token never on the command line)", async () => {
    // A key this package left behind carries its create marker (20 minutes old: past --min-age).
    const stray = b.createDirect({ label: createMarker(Date.now() - 20 * 60000) });
    const state = JSON.stringify({
      deployment: { resources: [{ type: "pulumi-nodejs:dynamic/linode:ObjectStorageKey", id: "1", inputs: { label: "stray-in-b" } }] },
    });
    const env = { ...process.env, LINODE_TOKEN: a.token, LINODE_URL: a.url, STAGING_TOKEN: "b-token-2" };
    const cli = promisify(execFile)(
      process.execPath,
      [path.join(__dirname, "../provider/cli.js"), "untracked", "--url", b.url, "--token-env", "STAGING_TOKEN"],
      { env },
    );
    cli.child.stdin?.end(state);
    const { stdout } = await cli;
    assert.match(stdout, new RegExp(`${stray.id}\t${stray.label}`));
    assert.match(stdout, /Account key usage: 1 of 100/);
    assert.deepEqual(calls(a), [], "the default account is not asked");
  });

  it("the program refuses a token that is not a Pulumi secret, without echoing it", async () => {
    assert.throws(
      () => guardConnection("k", { token: "plain-token-value" }),
      (e: Error) => /is not a Pulumi secret/.test(e.message) && /pulumi\.secret/.test(e.message) && !e.message.includes("plain-token-value"),
    );
    const guarded = guardConnection("k", { token: pulumi.secret("secret-token-value") });
    assert.equal(await pulumi.isSecret(pulumi.output(guarded!.token)), true);
  });
});
