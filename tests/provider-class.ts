/**
 * The provider as a class, each instance keeping the stack config given to its own `configure`:
 * the shape 0.1.0 handed the engine (its code is frozen in states written by 0.1.0, and
 * operations.ts keeps the functions it calls). Not part of the package: `ObjectStorageKey` cannot
 * take another provider. The tests use it to run providers with different settings side by side.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { EngineProps, KeyOutputs } from "../provider/codecs";
import * as operations from "../provider/operations";

export class ObjectStorageKeyProvider implements pulumi.dynamic.ResourceProvider<EngineProps, EngineProps> {
  /** The engine's `configure`: see `operations.configure`, which says what it does. */
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    operations.configure(this, req);
  }

  /** The engine's `check`: see `operations.check`, which says what it does. */
  async check(_olds: EngineProps, news: EngineProps): Promise<pulumi.dynamic.CheckResult<EngineProps>> {
    return operations.check(news);
  }

  /** The engine's `diff`: see `operations.diff`, which says what it does. */
  async diff(_id: string, olds: EngineProps, news: EngineProps): Promise<pulumi.dynamic.DiffResult> {
    return operations.diff(olds, news);
  }

  /** The engine's `create`: see `operations.create`, which says what it does. */
  async create(inputs: EngineProps): Promise<pulumi.dynamic.CreateResult<KeyOutputs>> {
    return operations.create(this, inputs);
  }

  /** The engine's `read`: see `operations.read`, which says what it does. */
  async read(id: string, props?: EngineProps): Promise<pulumi.dynamic.ReadResult<KeyOutputs>> {
    return operations.read(this, id, props);
  }

  /** The engine's `update`: see `operations.update`, which says what it does. */
  async update(id: string, olds: EngineProps, news: EngineProps): Promise<pulumi.dynamic.UpdateResult<KeyOutputs>> {
    return operations.update(this, id, olds, news);
  }

  /** The engine's `delete`: see `operations.remove`, which says what it does. */
  async delete(id: string, props?: EngineProps): Promise<void> {
    return operations.remove(this, id, props);
  }
}
