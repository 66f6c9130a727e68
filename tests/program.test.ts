/**
 * Program tests with Pulumi's runtime mocks: what a program using `ObjectStorageKey` sends to
 * the engine. The mock monitor runs no provider code; it records the RegisterResource requests
 * the SDK builds, which is where resource options such as `additionalSecretOutputs` travel.
 *
 * The resource module is imported statically, before `setMocks` runs in `before`: with
 * @pulumi/pulumi 3.260 that is fine, because the SDK looks the monitor up when a resource
 * registers (runtime/resource.js `getMonitor()`), not when a module loads, and the resource
 * module only builds its provider instance at load time.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { exampleProgram } from "../examples/program";
import { ObjectStorageKey } from "../provider";
import { objectStorageKeyProvider } from "../provider/provider";
import { waitFor } from "./helpers";

const TYPE = "pulumi-nodejs:dynamic/linode:ObjectStorageKey";

/** The parts of a `pulumirpc.RegisterResourceRequest` these tests read. */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getCustom(): boolean;
  getProtect(): boolean;
  getDependenciesList(): string[];
  getIgnorechangesList(): string[];
  getAdditionalsecretoutputsList(): string[];
}

/** What the mocks' `newResource` saw, and what it answered. */
interface Registration {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  state: Record<string, unknown>;
}

const registrations: Registration[] = [];
const requests: RegisterRequest[] = [];

/** A key's outputs as the mock answers: the inputs (minus `__provider`) plus made-up API values. */
function mockState(name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const { __provider: _ignored, ...rest } = inputs;
  const access = rest.bucket_access as { region: string }[] | undefined;
  const regions = (rest.regions as string[] | undefined) ?? (access ? [...new Set(access.map((a) => a.region))] : ["us-east", "us-ord"]);
  return {
    ...rest,
    access_key: `AK-${name}`,
    secret_key: `SK-${name}`,
    limited: access !== undefined,
    bucket_access: access ? access.map((a) => ({ ...a, cluster: `${a.region}-1` })) : null,
    regions,
    regions_details: regions.map((id) => ({ id, s3_endpoint: `${id}-1.linodeobjects.com`, endpoint_type: "E1" })),
  };
}

/** Resolves an Output under mocks (not a preview, so every value is known). */
function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

function registrationOf(name: string): Registration {
  const found = registrations.filter((r) => r.name === name);
  assert.equal(found.length, 1, `registrations named ${name}`);
  return found[0];
}

function requestOf(name: string): RegisterRequest {
  const found = requests.filter((r) => r.getName() === name);
  assert.equal(found.length, 1, `RegisterResource requests named ${name}`);
  return found[0];
}

/** Waits until a key has registered (its id resolves only after the monitor answered). */
async function registered(key: ObjectStorageKey): Promise<void> {
  await valueOf(key.id);
}

describe("program under runtime mocks", () => {
  before(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
          const state = mockState(args.name, args.inputs as Record<string, unknown>);
          registrations.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown>, state });
          return { id: `id-${args.name}`, state };
        },
        call(args: pulumi.runtime.MockCallArgs) {
          return args.inputs;
        },
      },
      "objkey-test",
      "mocks",
      false,
    );
    // setMocks installs a MockMonitor; observe the requests the SDK sends it, then let it answer.
    const monitor = pulumi.runtime.getMonitor() as unknown as {
      registerResource(req: RegisterRequest, callback: unknown): unknown;
    };
    assert.equal((monitor as object).constructor.name, "MockMonitor");
    const original = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => {
      requests.push(req);
      return original(req, callback);
    };
  });

  describe("registration", () => {
    it(`uses type ${TYPE} and sends exactly label, bucket_access, regions and a __provider string`, async () => {
      const key = new ObjectStorageKey("full-inputs", {
        label: "full-inputs",
        bucket_access: [{ bucket_name: "full-bucket", permissions: "read_write", region: "us-ord" }],
        regions: ["us-ord"],
      });
      await registered(key);
      const r = registrationOf("full-inputs");
      assert.equal(r.type, TYPE);
      assert.equal(requestOf("full-inputs").getType(), TYPE);
      assert.equal(requestOf("full-inputs").getCustom(), true);
      assert.deepEqual(Object.keys(r.inputs).sort(), ["__provider", "bucket_access", "label", "regions"]);
      assert.equal(typeof r.inputs.__provider, "string");
      const { __provider: _p, ...rest } = r.inputs;
      assert.deepEqual(rest, {
        label: "full-inputs",
        bucket_access: [{ bucket_name: "full-bucket", permissions: "read_write", region: "us-ord" }],
        regions: ["us-ord"],
      });
    });

    it("drops the undefined output placeholders: a label-only key sends label and __provider only", async () => {
      const key = new ObjectStorageKey("label-only", { label: "label-only" });
      await registered(key);
      const { inputs } = registrationOf("label-only");
      assert.deepEqual(Object.keys(inputs).sort(), ["__provider", "label"]);
      assert.equal(inputs.label, "label-only");
    });

    it("sends the shared provider's serialization as __provider: the engine module's exports, the same for every key", async () => {
      const a = new ObjectStorageKey("shared-a", { label: "shared-a" });
      const b = new ObjectStorageKey("shared-b", { label: "shared-b" });
      await Promise.all([registered(a), registered(b)]);
      const provider = objectStorageKeyProvider;
      const { text } = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
      assert.equal(registrationOf("shared-a").inputs.__provider, text);
      assert.equal(registrationOf("shared-b").inputs.__provider, text);
    });
  });

  describe("the resource class", () => {
    it("isInstance tells an ObjectStorageKey from other resources and values", async () => {
      const key = new ObjectStorageKey("is-instance", { label: "is-instance" });
      await registered(key);
      assert.equal(ObjectStorageKey.isInstance(key), true);
      assert.equal(ObjectStorageKey.isInstance({ __pulumiType: "pulumi-nodejs:dynamic/other:Thing" }), false);
      assert.equal(ObjectStorageKey.isInstance(undefined), false);
      assert.equal(ObjectStorageKey.isInstance("key"), false);
    });
  });

  describe("the example program", () => {
    let outputs: ReturnType<typeof exampleProgram>;

    before(() => {
      outputs = exampleProgram();
    });
    /** Waits until the mocks have recorded the three keys' registrations and requests. */
    const allRegistered = () =>
      waitFor(
        () => ["unlimited", "limited", "regional"].every((n) => requests.some((r) => r.getName() === n) && registrations.some((r) => r.name === n)),
        10000,
      );

    it("registers three keys, unlimited, limited and regional, with the expected inputs", async () => {
      await allRegistered();
      for (const name of ["unlimited", "limited", "regional"]) {
        assert.equal(registrationOf(name).type, TYPE, name);
        assert.equal(typeof registrationOf(name).inputs.__provider, "string", name);
      }
      const inputsOf = (name: string) => {
        const { __provider: _p, ...rest } = registrationOf(name).inputs;
        return rest;
      };
      assert.deepEqual(inputsOf("unlimited"), { label: "example-unlimited" });
      assert.ok(!("bucket_access" in registrationOf("unlimited").inputs), "unlimited sends no bucket_access");
      assert.deepEqual(inputsOf("limited"), {
        label: "example-limited",
        bucket_access: [{ bucket_name: "example-bucket", permissions: "read_only", region: "us-east" }],
      });
      assert.deepEqual(inputsOf("regional"), { label: "example-regional", regions: ["us-east", "us-ord"] });
    });

    it("returns outputs that resolve to the values the mock returned", async () => {
      const state = (name: string) => registrationOf(name).state;
      const resolved = await valueOf(pulumi.output(outputs));
      assert.deepEqual(resolved, {
        unlimitedKey: state("unlimited").access_key,
        limitedKey: state("limited").access_key,
        limitedSecret: state("limited").secret_key,
        regionalRegions: state("regional").regions,
      });
      // Values the mock made up, so the comparison above cannot pass by echoing inputs.
      assert.equal(resolved.limitedSecret, "SK-limited");
    });

    it("asks the engine to keep secret_key secret for each of the three keys", async () => {
      await allRegistered();
      for (const name of ["unlimited", "limited", "regional"]) {
        assert.deepEqual(requestOf(name).getAdditionalsecretoutputsList(), ["secret_key"], name);
      }
    });
  });

  describe("resource options", () => {
    it("registers secret_key in additionalSecretOutputs on the RegisterResource request", async () => {
      const key = new ObjectStorageKey("secret-output", { label: "secret-output" });
      await registered(key);
      assert.deepEqual(requestOf("secret-output").getAdditionalsecretoutputsList(), ["secret_key"]);
    });

    it("keeps a user's own additionalSecretOutputs alongside secret_key, without changing the user's options", async () => {
      const opts: pulumi.CustomResourceOptions = { additionalSecretOutputs: ["access_key"] };
      const key = new ObjectStorageKey("user-secrets", { label: "user-secrets" }, opts);
      const again = new ObjectStorageKey("user-secrets-2", { label: "user-secrets-2" }, opts);
      await Promise.all([registered(key), registered(again)]);
      assert.deepEqual([...requestOf("user-secrets").getAdditionalsecretoutputsList()].sort(), ["access_key", "secret_key"]);
      assert.deepEqual([...requestOf("user-secrets-2").getAdditionalsecretoutputsList()].sort(), ["access_key", "secret_key"]);
      assert.deepEqual(opts, { additionalSecretOutputs: ["access_key"] });
    });

    it("preserves protect, dependsOn and ignoreChanges alongside the added secret output", async () => {
      const dep = new ObjectStorageKey("dependency", { label: "dependency" });
      const opts: pulumi.CustomResourceOptions = { protect: true, dependsOn: [dep], ignoreChanges: ["label"] };
      const key = new ObjectStorageKey("with-options", { label: "with-options" }, opts);
      await registered(key);
      const req = requestOf("with-options");
      assert.equal(req.getProtect(), true);
      assert.deepEqual(req.getDependenciesList(), [await valueOf(dep.urn)]);
      assert.deepEqual(req.getIgnorechangesList(), ["label"]);
      assert.deepEqual(req.getAdditionalsecretoutputsList(), ["secret_key"]);
      assert.equal(requestOf("dependency").getProtect(), false, "the options of one key do not leak into another");
    });
  });
});
