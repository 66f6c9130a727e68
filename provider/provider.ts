/**
 * The provider objects. `ObjectStorageKey` hands the engine {@link objectStorageKeyProvider}, the
 * exports object of engine.ts, because Pulumi serializes an installed module's exports object as
 * one `require()` (see engine.ts). The class 0.1.0 handed it lives on in the tests
 * (tests/provider-class.ts); its code is frozen in states written by 0.1.0, so operations.ts keeps
 * the functions it calls.
 *
 * @packageDocumentation
 */
import type * as pulumi from "@pulumi/pulumi";
import type { EngineProps } from "./codecs";
import * as engine from "./engine";

/**
 * The provider every {@link ObjectStorageKey} passes to `pulumi.dynamic.Resource`: engine.ts's
 * module exports object, not a copy, so that Pulumi serializes it as
 * `require("pulumi-linode-objkey/engine")` when the package is installed. Settings come from stack
 * config or the environment when each call runs.
 */
export const objectStorageKeyProvider: pulumi.dynamic.ResourceProvider<EngineProps, EngineProps> = engine;
