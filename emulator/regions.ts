/**
 * Catalogue of Object Storage regions known to the emulator.
 *
 * Modelled on the live API: a region can expose several S3 endpoints (us-ord and
 * us-lax have an E1 and an E3 endpoint), and only the older regions have a legacy
 * cluster id (`us-east` → `us-east-1`); newer ones report cluster `""`.
 */

/** Endpoint generation reported by the API for an S3 endpoint. */
export type EndpointType = "E0" | "E1" | "E2" | "E3";

/** One `regions[]` entry of a key, exactly as the API returns it. */
export interface RegionEndpoint {
  readonly id: string;
  readonly s3_endpoint: string;
  readonly endpoint_type: EndpointType;
}

/** A region of the catalogue. */
export interface RegionInfo {
  readonly id: string;
  /** Legacy cluster id, or `""` when the region never had one. */
  readonly cluster: string;
  /** Endpoints in the order the API lists them. */
  readonly endpoints: readonly RegionEndpoint[];
}

// [region id, has a legacy cluster "<id>-1", ...endpoints as "host-prefix:type"]
const TABLE: ReadonlyArray<[string, boolean, ...string[]]> = [
  ["ap-south", true, "ap-south-1:E0"],
  ["au-mel", false, "au-mel-1:E2"],
  ["br-gru", true, "br-gru-1:E1"],
  ["de-fra-2", false, "de-fra-1:E3"],
  ["es-mad", true, "es-mad-1:E1"],
  ["eu-central", true, "eu-central-1:E0"],
  ["fr-par", true, "fr-par-1:E1"],
  ["gb-lon", false, "gb-lon-1:E3"],
  ["id-cgk", true, "id-cgk-1:E1"],
  ["in-maa", true, "in-maa-1:E1"],
  ["it-mil", true, "it-mil-1:E1"],
  ["jp-osa", true, "jp-osa-1:E1"],
  ["nl-ams", true, "nl-ams-1:E1"],
  ["se-sto", true, "se-sto-1:E1"],
  ["sg-sin-2", false, "sg-sin-1:E3"],
  ["us-east", true, "us-east-1:E0"],
  ["us-iad", true, "us-iad-1:E1"],
  ["us-lax", true, "us-lax-1:E1", "us-lax-4:E3"],
  ["us-mia", true, "us-mia-1:E1"],
  ["us-ord", true, "us-ord-1:E1", "us-ord-10:E3"],
  ["us-sea", true, "us-sea-1:E1"],
  ["us-southeast", true, "us-southeast-1:E0"],
];

/** All regions, sorted by id. */
export const REGIONS: readonly RegionInfo[] = TABLE.map(([id, legacy, ...eps]) => ({
  id,
  cluster: legacy ? `${id}-1` : "",
  endpoints: eps.map((e) => {
    const [host, type] = e.split(":");
    return { id, s3_endpoint: `${host}.linodeobjects.com`, endpoint_type: type as EndpointType };
  }),
})).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

const byId = new Map(REGIONS.map((r) => [r.id, r]));
const byCluster = new Map(REGIONS.filter((r) => r.cluster !== "").map((r) => [r.cluster, r]));

/** Looks up a region by its id (`us-east`, `de-fra-2`). */
export function findRegion(id: string): RegionInfo | undefined {
  return byId.get(id);
}

/** Looks up the region behind a legacy cluster id (`us-east-1` → `us-east`). */
export function regionForCluster(cluster: string): RegionInfo | undefined {
  return byCluster.get(cluster);
}

/**
 * The `regions[]` array for a set of region ids: duplicates collapse, ids sort
 * alphabetically and each region expands to all of its endpoints.
 * Unknown ids are ignored (callers validate first).
 */
export function endpointsFor(ids: Iterable<string>): RegionEndpoint[] {
  const wanted = new Set(ids);
  return REGIONS.filter((r) => wanted.has(r.id)).flatMap((r) => r.endpoints.map((e) => ({ ...e })));
}
