/**
 * The dynamic resource provider class. It is serialized into state with every key, so it holds
 * nothing (no settings, no client) and only delegates to `operations`, which resolves settings
 * and builds a client when each call runs.
 *
 * @packageDocumentation
 */
import type * as pulumi from "@pulumi/pulumi";
import type { KeyInputs, KeyOutputs } from "./codecs";
import * as operations from "./operations";

/**
 * The dynamic resource provider behind {@link ObjectStorageKey}. Takes no arguments: the token
 * and API root come from stack config (`linode:token`, `linode:url`, `linode:apiVersion`) or the
 * environment (`LINODE_TOKEN`, `LINODE_URL`, `LINODE_API_VERSION`) when a call runs.
 */
export class ObjectStorageKeyProvider implements pulumi.dynamic.ResourceProvider<KeyInputs, KeyOutputs> {
  /** Remembers the stack config for this instance's later calls (stack config wins over the environment). */
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    operations.configure(this, req);
  }

  /** Validates and normalises inputs before any API call; each failure names its property. */
  async check(_olds: KeyInputs, news: KeyInputs): Promise<pulumi.dynamic.CheckResult<KeyInputs>> {
    return operations.check(news);
  }

  /** Decides update versus replace without calling the API. */
  async diff(_id: string, olds: KeyOutputs, news: KeyInputs): Promise<pulumi.dynamic.DiffResult> {
    return operations.diff(olds, news);
  }

  /** Creates the key with one POST (never repeated after an ambiguous failure). */
  async create(inputs: KeyInputs): Promise<pulumi.dynamic.CreateResult<KeyOutputs>> {
    return operations.create(this, inputs);
  }

  /** Reads the key with one GET; returns no id when the key is gone. */
  async read(id: string, props?: KeyOutputs): Promise<pulumi.dynamic.ReadResult<KeyOutputs>> {
    return operations.read(this, id, props);
  }

  /** Updates label and regions with one PUT carrying only what changed, or none. */
  async update(id: string, olds: KeyOutputs, news: KeyInputs): Promise<pulumi.dynamic.UpdateResult<KeyOutputs>> {
    return operations.update(this, id, olds, news);
  }

  /** Revokes the key with one DELETE; a key already gone counts as revoked. */
  async delete(id: string): Promise<void> {
    return operations.remove(this, id);
  }
}
