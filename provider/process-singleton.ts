/**
 * One value per process, kept on `globalThis` under a registered symbol: shared by every copy of
 * this package loaded in the process, and never carried by a serialized provider (the closure
 * serializer does not capture `globalThis`'s symbol-keyed slots).
 *
 * @packageDocumentation
 */

/** The process's value for `name`, made by `make` the first time it is asked for. */
export function processSingleton<T>(name: string, make: () => T): T {
  const slot = Symbol.for(`pulumi-linode-objkey/${name}`);
  const held: unknown = Reflect.get(globalThis, slot);
  if (held !== undefined) return held as T;
  const value = make();
  Reflect.set(globalThis, slot, value);
  return value;
}
