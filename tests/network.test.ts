/**
 * What reaches the provider when the network is not the API (issue 7 §2 and §4): a 404 from a
 * wrong URL or API version is never taken for "the key is gone"; TLS failures, a trickling body,
 * a broken listing, another key's body, a huge answer and a 204 are each handled as what they
 * are; settings that would overflow a timer or leak the token are refused before any request.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { Emulator, startEmulator } from "../emulator/server";
import { isObjectStorageKeyError } from "../provider";
import { createKeysClient } from "../provider/client";
import type { KeyInputs } from "../provider/codecs";
import { resolveSettings } from "../provider/settings";
import { assertMentions, calls, providerFor, rejection, stackConfig, withEmulator } from "./helpers";

/** A stand-in server that answers as `handler` says, counting requests. */
async function fakeApi(
  handler: http.RequestListener,
  tls?: { key: Buffer; cert: Buffer },
): Promise<{ url: string; hits: () => number; close(): Promise<void> }> {
  let hits = 0;
  const counted: http.RequestListener = (req, res) => {
    hits++;
    handler(req, res);
  };
  const server = tls ? https.createServer(tls, counted) : http.createServer(counted);
  let tcp = 0;
  server.on("connection", () => tcp++);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    hits: () => (tls ? tcp : hits),
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

const json = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
};

const key = (id: number, label = `key-${id}`) => ({
  id,
  label,
  access_key: "AK",
  secret_key: "[REDACTED]",
  limited: false,
  bucket_access: null,
  regions: [{ id: "us-east", s3_endpoint: "us-east-1.linodeobjects.com", endpoint_type: "E0" }],
});

const QUICK = { "linode:minRetryDelayMs": "1", "linode:maxRetryDelayMs": "5", "linode-objkey:timeoutMs": "400", "linode-objkey:maxRetries": "2" };

function clientFor(url: string, extra: Record<string, string> = {}) {
  return createKeysClient(resolveSettings(stackConfig({ "linode:token": "tok-secret-value", "linode:url": url, ...QUICK, ...extra }), {}));
}

describe("a 404 means gone only when the API answers for the endpoint (issue 7 §2)", function () {
  this.timeout(20000);
  const ctx = withEmulator();
  let emu: Emulator;
  beforeEach(() => (emu = ctx.emu));

  for (const [what, settings] of [
    ["linode:apiVersion v5", () => ({ "linode:apiVersion": "v5" })],
    ["a path prefix in linode:url", () => ({ "linode:url": `${emu.url}/api` })],
  ] as const) {
    it(`${what}: refresh and destroy fail naming linode:url and linode:apiVersion; the key stays in state`, async () => {
      const good = await providerFor(emu);
      const made = await good.create({ label: "wrong-endpoint" } as KeyInputs);
      const wrong = await providerFor(emu, settings());
      emu.clearRequests();
      const readErr = await rejection(() => wrong.read(made.id, made.outs));
      assert.ok(isObjectStorageKeyError(readErr, "endpoint"), readErr.message);
      // The promise: which settings to check, by both their names.
      assertMentions(readErr.message, "linode:url", "LINODE_URL", "linode:apiVersion", "LINODE_API_VERSION");
      assert.match(readErr.message, /--run-program/);
      const delErr = await rejection(() => wrong.delete(made.id));
      assert.ok(isObjectStorageKeyError(delErr, "endpoint"), delErr.message);
      assert.equal(emu.keys().length, 1, "the key is still live, and the provider said so instead of dropping it");
      const createErr = await rejection(() => wrong.create({ label: "wrong-endpoint-2" } as KeyInputs));
      assert.ok(!/no longer exists/.test(createErr.message), createErr.message);
      assert.ok(isObjectStorageKeyError(createErr, "endpoint"), createErr.message);
    });
  }

  it("linode:url that ends with the API version is refused before any request", async () => {
    const p = await providerFor(emu, { "linode:url": `${emu.url}/v4` });
    const err = await rejection(() => p.read("1000"));
    assert.ok(isObjectStorageKeyError(err, "settings"), err.message);
    assertMentions(err.message, "/v4", "linode:apiVersion");
    assert.equal(emu.requests.length, 0);
  });

  it("a key revoked outside Pulumi: one GET 404, one listing that answers, then gone", async () => {
    const p = await providerFor(emu);
    const made = await p.create({ label: "revoked-outside" } as KeyInputs);
    emu.revoke(Number(made.id));
    emu.clearRequests();
    assert.deepEqual(await p.read(made.id, made.outs), {});
    assert.deepEqual(calls(emu), [`GET /object-storage/keys/${made.id}`, "GET /object-storage/keys"]);
  });
});

describe("the network is not always the API (issue 7 §4)", function () {
  this.timeout(30000);

  it("a self-signed certificate (an intercepting proxy) fails at once with a TLS message; a create is not ambiguous", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "objkey-tls-"));
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-days",
        "1",
        "-keyout",
        path.join(dir, "k.pem"),
        "-out",
        path.join(dir, "c.pem"),
      ],
      { stdio: "ignore" },
    );
    const api = await fakeApi((_req, res) => json(res, 200, {}), {
      key: fs.readFileSync(path.join(dir, "k.pem")),
      cert: fs.readFileSync(path.join(dir, "c.pem")),
    });
    fs.rmSync(dir, { recursive: true, force: true });
    try {
      const client = clientFor(api.url);
      const t0 = Date.now();
      const err = await rejection(() => client.getKey(1));
      assert.ok(isObjectStorageKeyError(err, "tls"), err.message);
      assertMentions(err.message, "TLS", "DEPTH_ZERO_SELF_SIGNED_CERT", "nothing was sent");
      assert.equal(api.hits(), 1, "no retry");
      const postErr = await rejection(() => client.postKey({ label: "tls-create" }));
      assert.ok(isObjectStorageKeyError(postErr, "tls"), `not ambiguous: ${postErr.message}`);
      assert.ok(Date.now() - t0 < 2000);
    } finally {
      await api.close();
    }
  });

  it("https:// to a plain-HTTP port fails at once with a TLS message", async () => {
    const emu = await startEmulator();
    try {
      const err = await rejection(() => clientFor(emu.url.replace("http:", "https:")).getKey(1));
      assert.ok(isObjectStorageKeyError(err, "tls"), err.message);
      assertMentions(err.message, "TLS", /EPROTO|ERR_SSL_[A-Z_]+/);
      assert.equal(emu.requests.length, 0);
    } finally {
      await emu.close();
    }
  });

  it("a body that trickles in hits the deadline: each attempt ends at timeoutMs", async () => {
    const api = await fakeApi((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      const timer = setInterval(() => res.write(" "), 100);
      res.on("close", () => clearInterval(timer));
    });
    try {
      const t0 = Date.now();
      const err = await rejection(() => clientFor(api.url).getKey(1));
      const took = Date.now() - t0;
      assert.ok(isObjectStorageKeyError(err, "network"), err.message);
      assertMentions(err.message, "3 attempts", "400 ms", "ETIMEDOUT");
      assert.ok(took < 3 * 400 + 500, `took ${took} ms`);
    } finally {
      await api.close();
    }
  });

  it("settings that overflow Node's timers or are not plain decimals are refused, naming the setting", () => {
    const bad: [string, string][] = [
      ["linode-objkey:timeoutMs", String(2 ** 31)],
      ["linode:maxRetryDelayMs", "99999999999"],
      ["linode-objkey:maxRetries", "0x10"],
      ["linode-objkey:maxRetries", "1e9"],
      ["linode-objkey:maxRetries", "101"],
      ["linode-objkey:timeoutMs", " 5"],
    ];
    for (const [k, v] of bad) {
      assert.throws(
        () => resolveSettings(stackConfig({ "linode:token": "t", [k]: v }), {}),
        (e: Error) => isObjectStorageKeyError(e, "settings") && e.message.includes(k),
        `${k}=${v}`,
      );
    }
    assert.equal(resolveSettings(stackConfig({ "linode:token": "t", "linode-objkey:timeoutMs": String(2 ** 31 - 1) }), {}).timeoutMs, 2 ** 31 - 1);
  });

  it("this package's knobs moved to linode-objkey:; the old linode: names fail saying where they went", () => {
    for (const name of ["maxRetries", "timeoutMs"]) {
      assert.throws(
        () => resolveSettings(stackConfig({ "linode:token": "t", [`linode:${name}`]: "5" }), {}),
        new RegExp(`linode:${name} is now linode-objkey:${name}.*pulumi config rm linode:${name}`),
      );
    }
  });

  it("a listing that claims a million pages fails after one request", async () => {
    const api = await fakeApi((_req, res) => json(res, 200, { data: [key(1)], page: 1, pages: 1000000, results: 500000000 }));
    try {
      const err = await rejection(() => clientFor(api.url).listKeys());
      assert.ok(isObjectStorageKeyError(err, "decode"), err.message);
      assertMentions(err.message, /\b1000000\b/, /\b200\b/);
      assert.equal(api.hits(), 1);
    } finally {
      await api.close();
    }
  });

  it("a page answered twice fails; a key repeated across pages comes once", async () => {
    const asked: string[] = [];
    const twice = await fakeApi((req, res) => {
      asked.push(new URL(req.url!, "http://x").searchParams.get("page")!);
      json(res, 200, { data: [key(1)], page: 1, pages: 2, results: 2 });
    });
    const shifted = await fakeApi((req, res) => {
      const page = Number(new URL(req.url!, "http://x").searchParams.get("page"));
      json(res, 200, { data: page === 1 ? [key(1), key(2)] : [key(2), key(3)], page, pages: 2, results: 4 });
    });
    try {
      const err = await rejection(() => clientFor(twice.url).listKeys());
      assertMentions(err.message, /page 1\b/, /page 2\b/);
      assert.deepEqual(asked, ["1", "2"]);
      assert.deepEqual(
        (await clientFor(shifted.url).listKeys()).map((k) => k.id),
        [1, 2, 3],
      );
    } finally {
      await twice.close();
      await shifted.close();
    }
  });

  it("GET /keys/1000 answered with key 2000's body is refused, not stored as key 1000", async () => {
    const api = await fakeApi((_req, res) => json(res, 200, key(2000)));
    try {
      const err = await rejection(() => clientFor(api.url).getKey(1000));
      assert.ok(isObjectStorageKeyError(err, "decode"), err.message);
      assertMentions(err.message, "2000", "1000");
    } finally {
      await api.close();
    }
  });

  it("a 64 MiB answer is not read whole", async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let sent = 0;
    const api = await fakeApi((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      const pump = () => {
        while (sent < 64 && res.write(chunk)) sent++;
        if (sent >= 64) res.end();
      };
      res.on("drain", pump);
      pump();
    });
    try {
      const err = await rejection(() => clientFor(api.url).getKey(1));
      assert.ok(isObjectStorageKeyError(err, "decode"), err.message);
      assertMentions(err.message, "16777216 bytes");
      assert.equal(api.hits(), 1, "a huge answer is not asked for again");
    } finally {
      await api.close();
    }
  });

  it("a DELETE answered 204 with no body counts as revoked", async () => {
    const api = await fakeApi((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    try {
      assert.equal(await clientFor(api.url).deleteKey(1), true);
    } finally {
      await api.close();
    }
  });

  it("URLs with credentials in any case or behind spaces are refused without echoing them", () => {
    for (const url of ["HTTPS://user:hunter2@api.linode.com", " https://user:hunter2@api.linode.com", "https://:hunter2@api.linode.com"]) {
      const err = (() => {
        try {
          resolveSettings(stackConfig({ "linode:token": "t", "linode:url": url }), {});
        } catch (e) {
          return e as Error;
        }
        return assert.fail(`accepted ${url}`);
      })();
      assert.ok(isObjectStorageKeyError(err, "settings"), err.message);
      assert.ok(!err.message.includes("hunter2"), "the message echoes the URL's credential");
    }
  });

  it("plain http:// is refused for any host but this machine: the token would cross the network in clear text", () => {
    assert.throws(
      () => resolveSettings(stackConfig({ "linode:token": "t", "linode:url": "http://api.linode.com" }), {}),
      /plain http:\/\/ to api\.linode\.com: the token would cross the network in clear text/,
    );
    assert.equal(resolveSettings(stackConfig({ "linode:token": "t", "linode:url": "http://127.0.0.1:8080" }), {}).baseUrl, "http://127.0.0.1:8080/v4");
    assert.equal(resolveSettings(stackConfig({ "linode:token": "t", "linode:url": "http://localhost:8080/" }), {}).baseUrl, "http://localhost:8080/v4");
  });

  it("an exception inside the HTTP library is not reported as a reset: a create fails plainly, the token unechoed", async () => {
    const emu = await startEmulator();
    const original = http.Agent.prototype.createConnection;
    try {
      const p = await providerFor(emu);
      // Break the library under the POST, the create's first request.
      http.Agent.prototype.createConnection = function () {
        throw new TypeError(`library bug near ${emu.token}`);
      } as typeof original;
      const err = await rejection(() => p.create({ label: "internal-error" } as KeyInputs));
      assert.ok(isObjectStorageKeyError(err, "internal"), `${(err as { kind?: string }).kind}: ${err.message}`);
      assert.ok(!/ECONNRESET|may have created/.test(err.message), err.message);
      assert.ok(!err.message.includes(emu.token), "the message echoes the token");
      assertMentions(err.message, "HTTP client", "[token]");
      assert.deepEqual(
        emu.requests.map((q) => q.method),
        [],
        "the POST never left",
      );
    } finally {
      http.Agent.prototype.createConnection = original;
      await emu.close();
    }
  });

  it("a token with a newline inside, spaces or non-ASCII characters is refused without echoing it; a trailing newline is trimmed", () => {
    for (const token of ["bad\ntoken-value", "bad token-value", "bad\u20actoken-value"]) {
      assert.throws(
        () => resolveSettings(stackConfig({ "linode:token": token }), {}),
        (e: Error) => isObjectStorageKeyError(e, "settings") && !e.message.includes("token-value"),
      );
    }
    assert.equal(resolveSettings(stackConfig({ "linode:token": "abc123\n" }), {}).token, "abc123");
  });
});
