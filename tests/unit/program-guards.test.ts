import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import * as runtimeState from "@pulumi/pulumi/runtime/state";
import { omitResponsesFromDebugLog, refusePlainToken, withoutResponse } from "../../provider/program-guards";

describe("program guards", () => {
  it("drops the response from the SDK's RegisterResource/ReadResource debug lines, and nothing else", () => {
    const line =
      "RegisterResource RPC finished: resource:k[pulumi-nodejs:dynamic/linode:ObjectStorageKey]; err: null, resp: secret_key,,4dab,value,SECRETVALUE";
    assert.equal(
      withoutResponse(line),
      "RegisterResource RPC finished: resource:k[pulumi-nodejs:dynamic/linode:ObjectStorageKey]; err: null, resp: (omitted by pulumi-linode-objkey: it holds secret values)",
    );
    assert.ok(!withoutResponse(line.replace("Register", "Read")).includes("SECRETVALUE"));
    for (const other of ["RegisterResource RPC prepared: resource:k", "some line, resp: kept", "RegisterResource RPC finished: x; err: null"])
      assert.equal(withoutResponse(other), other);
  });

  it("wraps pulumi.log.debug once, so response lines reach the engine without their response", () => {
    const original = pulumi.log.debug;
    const marker = Symbol.for("pulumi-linode-objkey/debug-without-responses");
    const seen: string[] = [];
    const log = pulumi.log as unknown as Record<string | symbol, unknown>;
    const wasWrapped = log[marker];
    try {
      delete log[marker];
      Object.assign(pulumi.log, { debug: (msg: string) => void seen.push(msg) });
      omitResponsesFromDebugLog();
      omitResponsesFromDebugLog();
      pulumi.log.debug("RegisterResource RPC finished: k; err: null, resp: SECRETVALUE");
      assert.deepEqual(seen, ["RegisterResource RPC finished: k; err: null, resp: (omitted by pulumi-linode-objkey: it holds secret values)"]);
    } finally {
      Object.assign(pulumi.log, { debug: original });
      if (wasWrapped) log[marker] = wasWrapped;
      else delete log[marker];
    }
  });

  describe("a linode:token set without --secret", () => {
    const store = (runtimeState as unknown as { getStore(): { config: Record<string, string | undefined> } }).getStore();
    let saved: Record<string, string | undefined>;
    beforeEach(() => (saved = { ...store.config }));
    afterEach(() => {
      for (const k of Object.keys(store.config)) delete store.config[k];
      Object.assign(store.config, saved);
    });

    it("is refused, naming --secret, without echoing the token", () => {
      runtimeConfig.setAllConfig({ "linode:token": "plain-token-value" }, []);
      assert.throws(refusePlainToken, (e: Error) => /linode:token is set in plain text.*--secret/.test(e.message) && !e.message.includes("plain-token-value"));
    });

    it("passes when the token is a secret, absent, or the host reports no secret keys", () => {
      runtimeConfig.setAllConfig({ "linode:token": "t" }, ["linode:token"]);
      refusePlainToken();
      runtimeConfig.setAllConfig({}, []);
      refusePlainToken();
      runtimeConfig.setAllConfig({ "linode:token": "t" }, []);
      delete store.config[(runtimeConfig as unknown as { configSecretKeysEnvKey: string }).configSecretKeysEnvKey];
      refusePlainToken();
    });
  });
});
