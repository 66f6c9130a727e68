import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { GuardSdk, installedSdk, omitResponsesFromDebugLog, PLAIN_TOKEN_MESSAGE, refusePlainToken, withoutResponse } from "../../provider/program-guards";

const OURS = "resource:k[pulumi-nodejs:dynamic/linode:ObjectStorageKey]";
const SIG = "4dabf18193072939515e22adb298388d";
const OMITTED = "(omitted by pulumi-linode-objkey: it holds secret values)";

/** An SDK like the installed one, with its own log (so nothing global is touched) and warnings recorded. */
function fakeSdk(over: Partial<GuardSdk> & { freeze?: boolean } = {}): { sdk: GuardSdk; debugs: string[]; warnings: string[] } {
  const debugs: string[] = [];
  const warnings: string[] = [];
  const log = {
    ...pulumi.log,
    debug: async (msg: string) => void debugs.push(msg),
    warn: async (msg: string) => void warnings.push(msg),
  };
  // The real log may be wrapped already (other test files build keys); this copy is not.
  Reflect.deleteProperty(log, Symbol.for("pulumi-linode-objkey/debug-without-responses"));
  const sdk: GuardSdk = { ...installedSdk(), version: "9.9.9-test", ...over, log: over.freeze ? Object.freeze(log) : log };
  return { sdk, debugs, warnings };
}

/** A runtime store whose config says `linode:token` is set, secret or not. */
function stateWithToken(secret: boolean): Pick<GuardSdk, "runtime" | "runtimeState"> {
  const key = "PULUMI_CONFIG_SECRET_KEYS";
  const config = { PULUMI_CONFIG: JSON.stringify({ "linode:token": "plain-token-value" }), [key]: JSON.stringify(secret ? ["linode:token"] : []) };
  const runtime = { ...pulumi.runtime, configSecretKeysEnvKey: key, getConfig: (k: string) => (k === "linode:token" ? "plain-token-value" : undefined) };
  return { runtime, runtimeState: () => ({ getStore: () => ({ config }) }) };
}

/** Runs `script` in a fresh Node process (from this folder), where the real SDK can be changed for good. */
function child(script: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["-e", script], { cwd: __dirname, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A program with runtime mocks that builds two keys with the installed SDK after `tamper` ran. */
function program(tamper: string): string {
  const provider = JSON.stringify(join(__dirname, "..", "..", "provider"));
  return `
    const pulumi = require("@pulumi/pulumi");
    ${tamper}
    pulumi.runtime.setMocks({ newResource: (a) => ({ id: "1", state: a.inputs }), call: (a) => a.inputs });
    const { ObjectStorageKey } = require(${provider});
    new ObjectStorageKey("a", { label: "a" });
    new ObjectStorageKey("b", { label: "b" });
    console.log("constructed");`;
}

describe("program guards", () => {
  it("drops the response from the SDK's RegisterResource/ReadResource debug lines about ObjectStorageKey", () => {
    const line = `RegisterResource RPC finished: ${OURS}; err: null, resp: secret_key,,${SIG},value,SECRETVALUE`;
    assert.equal(withoutResponse(line), `RegisterResource RPC finished: ${OURS}; err: null, resp: ${OMITTED}`);
    assert.ok(!withoutResponse(line.replace("Register", "Read")).includes("SECRETVALUE"));
    for (const other of [`RegisterResource RPC prepared: ${OURS}`, `RegisterResource RPC finished: ${OURS}; err: null`])
      assert.equal(withoutResponse(other), other);
  });

  it("leaves other resources' debug lines alone, responses included", () => {
    for (const other of [
      `RegisterResource RPC finished: resource:b[aws:s3/bucket:Bucket]; err: null, resp: arn,x,${SIG},value,THEIRS`,
      "ReadResource RPC finished: resource:c[pulumi-nodejs:dynamic:Resource]#...; err: null, resp: y",
      "some line, resp: kept",
    ])
      assert.equal(withoutResponse(other), other);
  });

  it("still drops a secret from a reworded line that names an ObjectStorageKey", () => {
    const reworded = `registerResource done for ${OURS} -> {"secret_key":{"${SIG}":"1b47","value":"SECRETVALUE"}}`;
    assert.equal(withoutResponse(reworded), `registerResource done for ${OURS} ${OMITTED}`);
  });

  it("wraps pulumi.log.debug once, so response lines reach the engine without their response", () => {
    const { sdk, debugs, warnings } = fakeSdk();
    omitResponsesFromDebugLog(sdk);
    omitResponsesFromDebugLog(sdk);
    void sdk.log.debug(`RegisterResource RPC finished: ${OURS}; err: null, resp: SECRETVALUE`);
    assert.deepEqual(debugs, [`RegisterResource RPC finished: ${OURS}; err: null, resp: ${OMITTED}`]);
    assert.deepEqual(warnings, []);
  });

  describe("on an SDK whose log exports are frozen", () => {
    it("warns once, naming the SDK version and what is no longer guarded, and throws nothing", () => {
      const { sdk, warnings } = fakeSdk({ freeze: true });
      omitResponsesFromDebugLog(sdk);
      omitResponsesFromDebugLog(sdk);
      assert.equal(warnings.length, 1, warnings.join("\n"));
      assert.match(warnings[0], /debug-log guard cannot work on @pulumi\/pulumi 9\.9\.9-test \(pulumi\.log\.debug cannot be replaced/);
      assert.match(warnings[0], /keep secret_key's plaintext/);
    });

    it("lets a program build keys with the real SDK frozen, with one warning", () => {
      const r = child(program("Object.freeze(pulumi.log);"));
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim(), "constructed");
      const warnings = r.stderr.split("\n").filter((l) => l.includes("pulumi-linode-objkey: the debug-log guard"));
      assert.equal(warnings.length, 1, r.stderr);
      assert.ok(warnings[0].includes(`@pulumi/pulumi ${require("@pulumi/pulumi/package.json").version}`), warnings[0]);
    });
  });

  describe("on an SDK whose internals are missing", () => {
    it("warns once that a plain token is no longer refused, and throws nothing", () => {
      const gone = () => {
        throw new Error("Package subpath './runtime/state' is not defined by \"exports\"");
      };
      const { sdk, warnings } = fakeSdk({ ...stateWithToken(false), runtimeState: gone });
      refusePlainToken(sdk);
      refusePlainToken(sdk);
      assert.equal(warnings.length, 1, warnings.join("\n"));
      assert.match(warnings[0], /plain-token guard cannot work on @pulumi\/pulumi 9\.9\.9-test \(Package subpath/);
      assert.match(warnings[0], /linode:token set without --secret is no longer refused/);
    });

    it("lets a program load the package and build keys when the SDK hides its deep paths, with one warning", () => {
      const hide = `
        const Module = require("node:module");
        const resolve = Module._resolveFilename;
        Module._resolveFilename = function (request, ...rest) {
          if (/^@pulumi\\/pulumi\\/runtime\\/(state|config)$/.test(request))
            throw Object.assign(new Error("Package subpath './" + request.slice(15) + "' is not defined by \\"exports\\""), { code: "ERR_PACKAGE_PATH_NOT_EXPORTED" });
          return resolve.call(this, request, ...rest);
        };`;
      const r = child(program(hide));
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim(), "constructed");
      const warnings = r.stderr.split("\n").filter((l) => l.includes("pulumi-linode-objkey: the plain-token guard"));
      assert.equal(warnings.length, 1, r.stderr);
      assert.match(warnings[0], /is not defined by "exports"/);
    });
  });

  describe("a linode:token set without --secret", () => {
    it("is refused, naming --secret, the update history and rotation, without echoing the token", () => {
      const { sdk, warnings } = fakeSdk(stateWithToken(false));
      assert.throws(
        () => refusePlainToken(sdk),
        (e: Error) => e.message === PLAIN_TOKEN_MESSAGE && !e.message.includes("plain-token-value"),
      );
      assert.match(PLAIN_TOKEN_MESSAGE, /--secret linode:token/);
      assert.match(PLAIN_TOKEN_MESSAGE, /rotate the token/);
      assert.match(PLAIN_TOKEN_MESSAGE, /Pulumi\.<stack>\.yaml/);
      assert.match(PLAIN_TOKEN_MESSAGE, /update history.*--skip-preview.*pulumi stack history.*\.pulumi\/history/);
      assert.deepEqual(warnings, []);
    });

    it("passes when the token is a secret, absent, or the host reports no secret keys", () => {
      refusePlainToken(fakeSdk(stateWithToken(true)).sdk);
      const absent = stateWithToken(false);
      refusePlainToken(fakeSdk({ ...absent, runtime: { ...absent.runtime, getConfig: () => undefined } }).sdk);
      refusePlainToken(fakeSdk({ ...absent, runtimeState: () => ({ getStore: () => ({ config: {} }) }) }).sdk);
    });

    it("is read from the installed SDK's runtime store", () => {
      const store: unknown = Reflect.apply(Reflect.get(require("@pulumi/pulumi/runtime/state"), "getStore"), undefined, []);
      const config: Record<string, string> = Reflect.get(Object(store), "config");
      const saved = { ...config };
      pulumi.runtime.setAllConfig({ "linode:token": "plain-token-value" }, []);
      try {
        assert.throws(() => refusePlainToken(), /linode:token is set in plain text/);
        pulumi.runtime.setAllConfig({ "linode:token": "t" }, ["linode:token"]);
        refusePlainToken();
      } finally {
        for (const k of Object.keys(config)) delete config[k];
        Object.assign(config, saved);
      }
    });
  });
});
