/**
 * The dynamic provider that `ObjectStorageKey` hands to the engine: this module's exports object
 * itself, with the engine's verbs as plain functions.
 *
 * Why a module and not a class instance: Pulumi serializes the provider into state with every
 * key, twice. When this package sits in `node_modules`, Pulumi's closure serializer captures a
 * module's exports object as one `require("pulumi-linode-objkey/engine")` and walks no code, so
 * each copy is a few hundred bytes instead of the class's code (3.4 KB in 0.1.0). The engine
 * rewrites the whole state at every step, so those bytes are paid on every checkpoint.
 *
 * **This is an interface frozen in users' states.** Every key created with this version stores
 * `require("pulumi-linode-objkey/engine")` and calls the functions below by these names and
 * signatures (those of `pulumi.dynamic.ResourceProvider`) until an update stores newer text;
 * `delete` always runs the text stored with the key. Keep the `./engine` entry of package.json's
 * `exports`, these names and their parameters; add, never rename or remove.
 *
 * @packageDocumentation
 */
import type * as pulumi from "@pulumi/pulumi";
import type { EngineProps, KeyOutputs } from "./codecs";
import * as operations from "./operations";

/**
 * The identity under which `configure`'s stack config is kept for this module's later calls.
 * operations.ts keys config by provider object; this module has no instance, so it uses one
 * object of its own (the exports object could be frozen or proxied by a loader).
 */
const self: object = {};

/** The engine's `configure`: see `operations.configure`, which says what it does. */
export async function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  operations.configure(self, req);
}

/** The engine's `check`: see `operations.check`, which says what it does. */
export async function check(_olds: EngineProps, news: EngineProps): Promise<pulumi.dynamic.CheckResult<EngineProps>> {
  return operations.check(news);
}

/** The engine's `diff`: see `operations.diff`, which says what it does. */
export async function diff(_id: string, olds: EngineProps, news: EngineProps): Promise<pulumi.dynamic.DiffResult> {
  return operations.diff(olds, news);
}

/** The engine's `create`: see `operations.create`, which says what it does. */
export async function create(inputs: EngineProps): Promise<pulumi.dynamic.CreateResult<KeyOutputs>> {
  return operations.create(self, inputs);
}

/** The engine's `read`: see `operations.read`, which says what it does. */
export async function read(id: string, props?: EngineProps): Promise<pulumi.dynamic.ReadResult<KeyOutputs>> {
  return operations.read(self, id, props);
}

/** The engine's `update`: see `operations.update`, which says what it does. */
export async function update(id: string, olds: EngineProps, news: EngineProps): Promise<pulumi.dynamic.UpdateResult<KeyOutputs>> {
  return operations.update(self, id, olds, news);
}

/** The engine's `delete`: see `operations.remove`, which says what it does. */
async function revoke(id: string, props?: EngineProps): Promise<void> {
  return operations.remove(self, id, props);
}

// `delete` is a reserved word: it can name an export, not a function declaration.
export { revoke as delete };
