/**
 * The type token the engine records for every `ObjectStorageKey`: the resource uses it to
 * register, and the program guards use it to recognise this package's own debug log lines.
 *
 * @packageDocumentation
 */

/** The type token of every `ObjectStorageKey`, as the engine records it. */
export const OBJECT_STORAGE_KEY_TYPE = "pulumi-nodejs:dynamic/linode:ObjectStorageKey";
