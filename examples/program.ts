/**
 * The example program, shown as it is in the README's "Start" (a unit test holds the two equal,
 * reading `../provider` as "pulumi-linode-objkey"). Copy it into your own program and import from
 * "pulumi-linode-objkey" (`npm run demo` does exactly that in its sandbox, with the package
 * installed from `npm pack`). Here, in the repository, it imports the sources, so `pulumi up` at
 * the root runs whether or not the repository was built, and stores the provider's code by value
 * (its size: docs/bench/results.md, "serialized provider from source").
 */
import { ObjectStorageKey } from "../provider";

/** Declares three keys, one of each kind, and returns the stack outputs. */
export function exampleProgram() {
  // Full access to every bucket: bucket_access left out.
  const unlimited = new ObjectStorageKey("unlimited", { label: "example-unlimited" });

  // Read-only access to one bucket; any change to bucket_access replaces the key.
  const limited = new ObjectStorageKey("limited", {
    label: "example-limited",
    bucket_access: [{ bucket_name: "example-bucket", permissions: "read_only", region: "us-east" }],
  });

  // May list and create buckets in two regions only.
  const regional = new ObjectStorageKey("regional", { label: "example-regional", regions: ["us-east", "us-ord"] });

  return { unlimitedKey: unlimited.access_key, limitedKey: limited.access_key, limitedSecret: limited.secret_key, regionalRegions: regional.regions };
}
