/**
 * The provider as the engine sees it: serialized by Pulumi's closure serializer (exactly as
 * `pulumi.dynamic.Resource` does), loaded back with require-from-string as the provider process
 * does, configured, and run against the emulator. Also checks what the text carries: no token,
 * no config value, no library code by value, and a bounded size. From source (the code sits in
 * the project, as in this repo's example) the text is the code by value; installed from the
 * packed package it is one require() of the `./engine` entry point, at most 1 KB. Text that
 * 0.1.0 wrote into users' states (tests/fixtures/) must keep working against this package.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { startEmulator, Emulator } from "../emulator/server";
import { ObjectStorageKeyProvider } from "./provider-class";
import type { EngineProps, KeyInputs, KeyOutputs } from "../provider/codecs";
import * as engine from "../provider/engine";
import { objectStorageKeyProvider } from "../provider/provider";
import { InstalledProject, installTarball, serializedProviderText } from "../tools/installed";
import { packThisPackage } from "../tools/sandbox";
import { FAST_RETRIES, MARKER, calls, markedBody, providerFor, rejection, shapes, stackConfig } from "./helpers";

type LoadedProvider = Required<pulumi.dynamic.ResourceProvider<EngineProps, EngineProps>>;

/** Distinctive values that must never reach the serialized text. */
const CANARY_TOKEN = "tok-serialization-canary-5c0ffee5d00d";
const CANARY_ENV_TOKEN = "env-serialization-canary-8badf00d1dea";
const CANARY_URL = "http://canary-url.invalid:4567";

/** Where the provider and its client keep per-process caches (see codecs.ts, provider.ts). */
const CODECS_SLOT = Symbol.for("pulumi-linode-objkey/codecs");

/** The directory of the @pulumi/pulumi the project uses; require-from-string is resolved from there, as the provider process does. */
const PULUMI_DIR = path.dirname(require.resolve("@pulumi/pulumi"));
const REQUIRE_FROM_STRING = require.resolve("require-from-string", { paths: [PULUMI_DIR] });
const requireFromString = require(REQUIRE_FROM_STRING) as (code: string) => { handler(): unknown };

/** Serializes a provider exactly as `pulumi.dynamic.Resource` does (dynamic/index.js serializeFunctionMaybeSecret). */
/** Runs `script` in a fresh Node process in `cwd` with `text` on stdin and the canary token; its stdout. */
async function runScript(script: string, text: string, cwd: string, url: string): Promise<string> {
  const child = spawn(process.execPath, ["-e", script], {
    cwd,
    env: { PATH: process.env.PATH ?? "", T: CANARY_TOKEN, U: url },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  let errText = "";
  child.stdout.on("data", (c: Buffer) => (out += c));
  child.stderr.on("data", (c: Buffer) => (errText += c));
  child.stdin.end(text);
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  assert.equal(code, 0, errText);
  return out;
}

async function serialize(provider: pulumi.dynamic.ResourceProvider<EngineProps, EngineProps>): Promise<pulumi.runtime.SerializedFunction> {
  return pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
}

/** Loads serialized text as cmd/dynamic-provider's getProvider does. */
function load(text: string): LoadedProvider {
  return requireFromString(text).handler() as LoadedProvider;
}

/** `require("x")` targets in the text, in order of appearance. */
function requireTargets(text: string): string[] {
  return [...text.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]);
}

/** The text's top-level `function __name(...)` blocks, each with its size and the source name in its `/*name*\/` comment. */
function functionBlocks(text: string): { id: string; name: string; bytes: number }[] {
  const starts = [...text.matchAll(/^function (__\w+)\(/gm)];
  return starts.map((m, i) => {
    const end = i + 1 < starts.length ? starts[i + 1].index! : text.length;
    const block = text.slice(m.index!, end);
    const name = /return (?:async )?function\*? ?\/\*([^*]+)\*\//.exec(block)?.[1] ?? m[1];
    return { id: m[1], name, bytes: Buffer.byteLength(block) };
  });
}

describe("serialized provider", () => {
  let emu: Emulator;
  let text: string;
  let containsSecrets: boolean;

  let unconfiguredText: string;

  before(async () => {
    emu = await startEmulator({ tokens: [CANARY_TOKEN] });
    // The provider every ObjectStorageKey hands the engine, serialized before and after being
    // configured with the canary token and URL, with the env canary set while serializing.
    unconfiguredText = (await serialize(objectStorageKeyProvider)).text;
    await objectStorageKeyProvider.configure!({ config: stackConfig({ "linode:token": CANARY_TOKEN, "linode:url": CANARY_URL }) });
    const saved = process.env.LINODE_TOKEN;
    process.env.LINODE_TOKEN = CANARY_ENV_TOKEN;
    try {
      const sf = await serialize(objectStorageKeyProvider);
      text = sf.text;
      containsSecrets = sf.containsSecrets;
    } finally {
      if (saved === undefined) delete process.env.LINODE_TOKEN;
      else process.env.LINODE_TOKEN = saved;
    }
  });
  after(() => emu.close());
  beforeEach(() => emu.reset());

  it("is what ObjectStorageKey hands the engine: engine.ts's module exports object, not a copy", () => {
    assert.equal(objectStorageKeyProvider, engine);
    assert.equal(objectStorageKeyProvider, require.cache[require.resolve("../provider/engine")]!.exports);
  });

  describe("contents", () => {
    it("holds no token, no URL and no environment value, although the instance was configured before serializing", async () => {
      assert.ok(!text.includes(CANARY_TOKEN), "stack config token in the text");
      assert.ok(!text.includes(CANARY_ENV_TOKEN), "LINODE_TOKEN value in the text");
      assert.ok(!text.includes("canary-url"), "stack config URL in the text");
      assert.equal(containsSecrets, false);
      // "Authorization" occurs only in createKeysClient's source, as a template reading the token when a call runs;
      // no header value is serialized.
      const headerValues = [...text.matchAll(/Authorization["']?\s*:\s*(\S+)/g)].map((m) => m[1]);
      assert.deepEqual(headerValues, ["`Bearer"]);
      assert.doesNotMatch(text, /Bearer (?!\$\{settings\.token\}`)/);
      // The instance really holds that config: a fresh instance configured the same way can call the API.
      const sameConfig = new ObjectStorageKeyProvider();
      await sameConfig.configure({ config: stackConfig({ "linode:token": CANARY_TOKEN, "linode:url": emu.url, ...FAST_RETRIES }) });
      // A refresh (stored outputs given) of a key that is gone.
      assert.deepEqual(await sameConfig.read("12345", { access_key: "GONE" } as unknown as KeyOutputs), {});
      assert.equal(emu.requests[0].authorized, true);
    });

    it("serializes the same text whether or not the provider was configured", () => {
      assert.equal(unconfiguredText, text);
    });

    it("references io-ts, axios and the SigV4 signer only through require(...), never their code by value", () => {
      const targets = requireTargets(text);
      assert.deepEqual([...new Set(targets)].sort(), [
        "@aws-crypto/sha256-js/build/main/index.js",
        "@smithy/signature-v4/dist-cjs/index.js",
        "axios/dist/node/axios.cjs",
        "crypto",
        "http",
        "https",
        "io-ts/lib/index.js",
        "net",
      ]);
      const signerSrc = readFileSync(require.resolve("@smithy/signature-v4"), "utf8");
      assert.ok(signerSrc.includes("class SignatureV4"), "the signer's source lacks its class");
      assert.ok(!text.includes("class SignatureV4"), "the signer's code by value");
      // Markers of the libraries' own code: present in their sources, absent from the text.
      const ioTs = readFileSync(require.resolve("io-ts"), "utf8");
      const axiosSrc = readFileSync(require.resolve("axios"), "utf8");
      for (const marker of ["this.validate", "_this.validate"]) {
        assert.ok(ioTs.includes(marker), `io-ts source lacks ${marker}`);
        assert.ok(!text.includes(marker), `io-ts code by value: ${marker}`);
      }
      for (const marker of ["function mergeConfig", "class AxiosHeaders", "class InterceptorManager"]) {
        assert.ok(axiosSrc.includes(marker), `axios source lacks ${marker}`);
        assert.ok(!text.includes(marker), `axios code by value: ${marker}`);
      }
      assert.ok(!text.includes("node_modules"), "an absolute node_modules path in the text");
      assert.ok(!text.includes(process.cwd()), "the project path in the text");
    });

    // By value (the code sits in the project, not in node_modules): issue 12 bounds the installed size.
    // This bound grows with the provider's own code (its size: docs/bench/results.md, "serialized provider
    // from source"); it is there to catch a library captured by value, which adds far more.
    it(`stays under 128 KiB (size and breakdown logged)`, () => {
      const bytes = Buffer.byteLength(text);
      const targets = requireTargets(text);
      const fns = functionBlocks(text);
      const fnBytes = fns.reduce((n, f) => n + f.bytes, 0);
      const largest = [...fns].sort((a, b) => b.bytes - a.bytes).slice(0, 5);
      console.log(
        `      serialized provider: ${bytes} bytes; ${targets.length} require(...) references (${targets.join(", ")}); ` +
          `${fns.length} serialized functions totalling ${fnBytes} bytes, ${bytes - fnBytes} bytes of wiring; ` +
          `largest: ${largest.map((f) => `${f.name} ${f.bytes}`).join(", ")}`,
      );
      assert.equal(fns.length, (text.match(/^function __/gm) ?? []).length);
      assert.ok(bytes < 128 * 1024, `serialized provider is ${bytes} bytes`);
    });
  });

  describe("loaded back as the provider process does", () => {
    let loaded: LoadedProvider;
    let savedCodecs: unknown;

    before(async () => {
      // Earlier tests in this process may have built the codecs through the real module; forget
      // them so the loaded copy must build its own from the serialized makeCodecs.
      const holder = globalThis as unknown as Record<symbol, unknown>;
      savedCodecs = holder[CODECS_SLOT];
      delete holder[CODECS_SLOT];
      loaded = load(text);
      await loaded.configure({ config: stackConfig({ "linode:token": CANARY_TOKEN, "linode:url": emu.url, ...FAST_RETRIES }) });
    });
    after(() => {
      const holder = globalThis as unknown as Record<symbol, unknown>;
      if (savedCodecs === undefined) delete holder[CODECS_SLOT];
      else holder[CODECS_SLOT] = savedCodecs;
    });

    it("is a copy, not the module this process loaded", () => {
      assert.notEqual(loaded, objectStorageKeyProvider);
      assert.notEqual(loaded.create, engine.create);
      for (const verb of ["configure", "check", "diff", "create", "read", "update", "delete"] as const) {
        assert.equal(typeof loaded[verb], "function", verb);
      }
    });

    it("runs check, create, read, update (one PUT), diff and delete against the emulator", async () => {
      const checked = await loaded.check(
        {} as KeyInputs,
        {
          __provider: text,
          label: "  round-trip  ",
          bucket_access: [{ bucket_name: "rt-bucket", permissions: "read_write", region: "us-east" }],
          regions: ["us-east", "us-east"],
        } as unknown as KeyInputs,
      );
      assert.equal(checked.failures, undefined);
      assert.deepEqual(checked.inputs, {
        label: "round-trip",
        bucket_access: [{ bucket_name: "rt-bucket", permissions: "read_write", region: "us-east" }],
        regions: ["us-east"],
      });
      assert.equal(emu.requests.length, 0, "check calls no API");

      const created = await loaded.create(checked.inputs!);
      assert.deepEqual(shapes(emu), ["POST /object-storage/keys", "PUT /object-storage/keys/{id}"]);
      const [stored] = emu.keys();
      assert.equal(created.id, String(stored.id));
      assert.equal(created.outs!.secret_key, stored.secret_key);
      assert.equal(created.outs!.access_key, stored.access_key);
      assert.equal(created.outs!.limited, true);
      assert.deepEqual(created.outs!.regions, ["us-east"]);

      emu.clearRequests();
      const read = await loaded.read(created.id, created.outs);
      assert.deepEqual(calls(emu), [`GET /object-storage/keys/${created.id}`]);
      assert.deepEqual(read, { id: created.id, props: created.outs });

      emu.clearRequests();
      const updated = await loaded.update(created.id, created.outs!, { ...checked.inputs!, label: "round-trip-2" });
      assert.deepEqual(calls(emu), [`PUT /object-storage/keys/${created.id}`]);
      assert.deepEqual(emu.requests[0].body, { label: "round-trip-2" });
      assert.equal(emu.keys()[0].label, "round-trip-2");
      assert.equal(updated.outs!.label, "round-trip-2");
      assert.equal(updated.outs!.secret_key, stored.secret_key);

      emu.clearRequests();
      const olds: EngineProps = { ...updated.outs!, __provider: text };
      assert.deepEqual(await loaded.diff(created.id, olds, { ...checked.inputs!, label: "round-trip-2" }), {
        changes: false,
        replaces: [],
        deleteBeforeReplace: false,
      });
      assert.deepEqual(await loaded.diff(created.id, olds, { ...checked.inputs!, label: "round-trip-3" }), {
        changes: true,
        replaces: [],
        deleteBeforeReplace: false,
      });
      assert.deepEqual((await loaded.diff(created.id, olds, { label: "round-trip-2", regions: ["us-east"] })).replaces, ["bucket_access"]);
      assert.equal(emu.requests.length, 0, "diff calls no API");

      await loaded.delete(created.id, updated.outs!);
      assert.deepEqual(calls(emu), [`DELETE /object-storage/keys/${created.id}`]);
      assert.deepEqual(emu.keys(), []);
    });

    it("builds its own io-ts codecs from the serialized code, and they decode", async () => {
      const holder = globalThis as unknown as Record<symbol, unknown>;
      const before = holder[CODECS_SLOT];
      const r = await loaded.check({} as KeyInputs, { label: "codec-check", bucket_access: [{ bucket_name: "b", permissions: "rw" }] } as unknown as KeyInputs);
      assert.deepEqual(
        r.failures!.map((f) => f.property),
        ["bucket_access[0].bucket_name", "bucket_access[0].permissions", "bucket_access[0].region"],
      );
      // create decodes both the inputs and the API's answer through the codecs.
      const created = await loaded.create({ label: "codec-key" });
      assert.equal(created.outs!.label, "codec-key");
      const built = holder[CODECS_SLOT] as { ApiKey?: { decode?: unknown } } | undefined;
      assert.ok(built && typeof built.ApiKey?.decode === "function");
      assert.ok(before === undefined || before === built, "codecs came from this process's real module");
      assert.notEqual(built, savedCodecs);
    });

    it("reports an API error from the copy with status and hint, without the token", async () => {
      const wrong = load(text);
      await wrong.configure({ config: stackConfig({ "linode:token": "wrong-token-for-copy", "linode:url": emu.url, ...FAST_RETRIES }) });
      const err = await rejection(() => wrong.read("1"));
      assert.equal(err.name, "ObjectStorageKeyError");
      assert.equal((err as Error & { kind?: string }).kind, "api");
      assert.ok(err instanceof Error, "the copy's error is not an Error");
      assert.equal(typeof err.message, "string", "the copy's error has no message");
      assert.match(err.message, /HTTP 401.*Invalid Token.*token is wrong, expired, or lacks the object_storage scope/);
      assert.ok(!err.message.includes("wrong-token-for-copy"));
    });

    it("turns an unsettled create into a partial create: the serialized error classes still match", async () => {
      // The POST makes the key and answers 500; the key cannot be revoked: it is handed to Pulumi.
      emu.inject({ kind: "error-after-create" });
      emu.inject({ kind: "maintenance", method: "DELETE" });
      const err = (await rejection(() => loaded.create({ label: "ambiguous-copy" }))) as Error & { id?: string; properties?: Record<string, unknown> };
      const [stored] = emu.keys();
      assert.ok(stored, "the emulator made the key");
      assert.ok(!(err instanceof TypeError), `create threw ${err.name}: ${err.message}`);
      assert.deepEqual(shapes(emu), ["POST /object-storage/keys", "GET /object-storage/keys", "DELETE /object-storage/keys/{id}"]);
      assert.equal(err.id, String(stored.id));
      assert.equal(err.properties!.label, stored.label, "the key still carries its create marker");
      assert.equal(err.properties!.secret_key, undefined);
      assert.match(err.message, new RegExp(`Pulumi now tracks key ${stored.id} without its secret`));
    });
  });

  it("loads and runs in a fresh Node process that has none of the provider's modules", async () => {
    const script = `
      const fs = require("node:fs");
      const text = fs.readFileSync(0, "utf8");
      const rfs = require(require.resolve("require-from-string", { paths: [${JSON.stringify(PULUMI_DIR)}] }));
      (async () => {
        const p = rfs(text).handler();
        const values = { "linode:token": process.env.T, "linode:url": process.env.U, ...${JSON.stringify(FAST_RETRIES)} };
        await p.configure({ config: { get: (k) => values[k], require: (k) => values[k] } });
        const checked = await p.check({}, { label: "fresh-process", regions: ["us-ord"] });
        const created = await p.create(checked.inputs);
        await p.delete(created.id, created.outs);
        const loadedOwn = Object.keys(require.cache).filter((f) => f.includes("/dist/provider/"));
        process.stdout.write(JSON.stringify({ id: created.id, secret: created.outs.secret_key, loadedOwn }));
      })().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
    `;
    const result = JSON.parse(await runScript(script, text, path.resolve(__dirname, "../.."), emu.url)) as { id: string; secret: string; loadedOwn: string[] };
    assert.deepEqual(result.loadedOwn, []);
    assert.deepEqual(calls(emu), ["POST /object-storage/keys", `PUT /object-storage/keys/${result.id}`, `DELETE /object-storage/keys/${result.id}`]);
    assert.deepEqual(markedBody(emu.requests[0].body), { label: MARKER, regions: ["us-ord"] });
    assert.deepEqual(emu.requests[1].body, { label: "fresh-process" });
    assert.match(result.secret, /^[A-Za-z0-9]{40}$/, "the create's real secret (the emulator's 40 characters)");
    assert.deepEqual(emu.keys(), []);
  });

  describe("installed from the packed package", function () {
    // npm pack runs the library build (prepack) first.
    this.timeout(120000);
    let installed: InstalledProject;
    let installedText: string;
    const fixtureText = readFileSync(path.resolve(__dirname, "../../tests/fixtures/serialized-provider-0.1.0.txt"), "utf8");

    before(async () => {
      const packDir = mkdtempSync(path.join(os.tmpdir(), "objkey-pack-"));
      try {
        installed = installTarball(packThisPackage(packDir));
      } finally {
        rmSync(packDir, { recursive: true, force: true });
      }
      installedText = await serializedProviderText(installed.dir, "pulumi-linode-objkey");
    });
    after(() => installed?.cleanup());

    it("is one require() of the ./engine entry point, at most 1 KB per copy (0.1.0's was 3,377 bytes)", () => {
      const bytes = Buffer.byteLength(installedText);
      console.log(
        `      installed serialized provider: ${bytes} bytes (0.1.0: ${Buffer.byteLength(fixtureText)} bytes); requires ${requireTargets(installedText).join(", ")}`,
      );
      assert.deepEqual(requireTargets(installedText), ["pulumi-linode-objkey/engine"]);
      assert.deepEqual(
        functionBlocks(installedText).map((f) => f.id),
        ["__f0"],
        "one wrapper function, no code by value",
      );
      assert.ok(bytes <= 1024, `installed serialized provider is ${bytes} bytes`);
    });

    /** Runs `text` in a fresh Node process in the installed project, as the provider process does: configure, then `steps`. */
    async function runInstalled(text: string, steps: string): Promise<{ results: unknown[]; loaded: string[] }> {
      const script = `
        const rfs = require(require.resolve("require-from-string", { paths: [${JSON.stringify(PULUMI_DIR)}] }));
        const text = require("node:fs").readFileSync(0, "utf8");
        (async () => {
          const p = rfs(text).handler();
          const values = { "linode:token": process.env.T, "linode:url": process.env.U, ...${JSON.stringify(FAST_RETRIES)} };
          await p.configure({ config: { get: (k) => values[k], require: (k) => values[k] } });
          const results = [];
          ${steps}
          const loaded = Object.keys(require.cache).filter((f) => f.includes("pulumi-linode-objkey"));
          process.stdout.write(JSON.stringify({ results, loaded }));
        })().catch((e) => { process.stderr.write(String((e && e.stack) || e)); process.exit(1); });
      `;
      return JSON.parse(await runScript(script, text, installed.dir, emu.url)) as { results: unknown[]; loaded: string[] };
    }

    it("runs check, create, read, update and delete in a fresh process, loading only the installed package", async () => {
      const { results, loaded } = await runInstalled(
        installedText,
        `const checked = await p.check({}, { label: "installed-key", regions: ["us-ord"] });
          const created = await p.create(checked.inputs);
          results.push(created.id, await p.read(created.id, created.outs));
          results.push(await p.update(created.id, created.outs, { ...checked.inputs, label: "installed-key-2" }));
          await p.delete(created.id, created.outs);`,
      );
      const id = results[0] as string;
      assert.deepEqual(calls(emu), [
        "POST /object-storage/keys",
        `PUT /object-storage/keys/${id}`,
        `GET /object-storage/keys/${id}`,
        `PUT /object-storage/keys/${id}`,
        `DELETE /object-storage/keys/${id}`,
      ]);
      assert.equal((results[2] as { outs: KeyOutputs }).outs.label, "installed-key-2");
      assert.deepEqual(emu.keys(), []);
      const pkg = realpathSync(installed.packageDir);
      assert.ok(loaded.includes(path.join(pkg, "dist/provider/engine.js")), loaded.join(", "));
      assert.ok(
        loaded.every((f) => f.startsWith(pkg)),
        `modules from elsewhere: ${loaded.join(", ")}`,
      );
    });

    it("runs the provider text 0.1.0 wrote into states (fixture): read, update and delete through dist/provider/operations.js", async () => {
      assert.deepEqual(requireTargets(fixtureText), ["pulumi-linode-objkey/dist/provider/operations.js"]);
      // A key as 0.1.0 left it in state: its outputs with that version's provider text.
      const made = await (await providerFor(emu)).create({ label: "from-0.1.0", regions: ["us-east"] } as KeyInputs);
      const olds = { ...made.outs!, __provider: fixtureText };
      const news = { label: "from-0.1.0-relabelled", regions: ["us-east"], __provider: fixtureText };
      emu.clearRequests();
      const { results, loaded } = await runInstalled(
        fixtureText,
        `const olds = ${JSON.stringify(olds)};
          results.push(await p.read(${JSON.stringify(made.id)}, olds));
          results.push(await p.update(${JSON.stringify(made.id)}, olds, ${JSON.stringify(news)}));
          await p.delete(${JSON.stringify(made.id)}, olds);`,
      );
      const id = made.id;
      assert.deepEqual(calls(emu), [`GET /object-storage/keys/${id}`, `PUT /object-storage/keys/${id}`, `DELETE /object-storage/keys/${id}`]);
      assert.deepEqual(emu.requests[1].body, { label: "from-0.1.0-relabelled" });
      const [read, updated] = results as [{ id: string; props: KeyOutputs }, { outs: KeyOutputs }];
      assert.equal(read.id, id);
      assert.equal(read.props.secret_key, made.outs!.secret_key, "read keeps the secret from state");
      assert.equal(updated.outs.label, "from-0.1.0-relabelled");
      assert.equal(updated.outs.secret_key, made.outs!.secret_key, "update keeps the secret from state");
      assert.deepEqual(emu.keys(), []);
      const pkg = realpathSync(installed.packageDir);
      assert.ok(loaded.includes(path.join(pkg, "dist/provider/operations.js")), loaded.join(", "));
    });
  });
});
