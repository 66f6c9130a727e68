/**
 * The account's Object Storage regions: a catalogue built from endpoint records (by default the
 * live list in catalogue.ts), looked up by region id or legacy cluster id.
 *
 * Live facts: a region can expose several S3 endpoints (us-ord and us-lax have an E1 and an E3
 * endpoint), a key lists one `regions[]` entry per endpoint, and only older regions have a legacy
 * cluster id (`us-east` → `us-east-1`); newer ones report cluster `""`.
 */
import { EndpointRecord, EndpointType, LIVE_DEFAULT_KEY_REGIONS, LIVE_ENDPOINTS, OBSERVED_CLUSTERS } from "./catalogue";

export type { EndpointRecord, EndpointType } from "./catalogue";

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
  /** Its endpoints, E-type then host name: the emulator's canonical order (live guarantees none; order.ts permutes answers). */
  readonly endpoints: readonly RegionEndpoint[];
}

const ENDPOINT_TYPES: readonly string[] = ["E0", "E1", "E2", "E3"];
const REGION_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The cluster of a region that no live answer showed. Undocumented: assumed. Every region live
 * showed with a cluster has E0 or E1 endpoints and the cluster `<id>-1`; the E2/E3 ones showed `""`.
 */
function assumedCluster(id: string, types: readonly string[]): string {
  return types.some((t) => t === "E0" || t === "E1") ? `${id}-1` : "";
}

/** Regions by id and by legacy cluster id. */
export class RegionCatalogue {
  /** Every region, sorted by id. */
  readonly regions: readonly RegionInfo[];
  private readonly byId: Map<string, RegionInfo>;
  private readonly byCluster: Map<string, RegionInfo>;

  /** @param records endpoint records, e.g. the data of `GET /object-storage/endpoints`; checked, throws on bad ones. */
  constructor(records: readonly EndpointRecord[]) {
    const grouped = new Map<string, EndpointRecord[]>();
    records.forEach((r, i) => {
      const bad = (why: string) => new Error(`catalogue entry ${i}: ${why}`);
      if (typeof r !== "object" || r === null) throw bad("must be an object { region, endpoint_type, s3_endpoint }");
      if (typeof r.region !== "string" || !REGION_ID.test(r.region)) throw bad(`region must be a region id, not ${JSON.stringify(r.region)}`);
      if (!ENDPOINT_TYPES.includes(r.endpoint_type)) throw bad(`endpoint_type must be one of ${ENDPOINT_TYPES.join(", ")}`);
      if (typeof r.s3_endpoint !== "string" || r.s3_endpoint === "") throw bad("s3_endpoint must be a host name");
      if (r.cluster !== undefined && typeof r.cluster !== "string") throw bad("cluster must be a string");
      grouped.set(r.region, [...(grouped.get(r.region) ?? []), r]);
    });
    if (grouped.size === 0) throw new Error("the catalogue must hold at least one endpoint");
    this.regions = [...grouped.entries()]
      .map(([id, eps]): RegionInfo => {
        const given = eps.find((e) => e.cluster !== undefined)?.cluster;
        const cluster =
          given ??
          OBSERVED_CLUSTERS[id] ??
          assumedCluster(
            id,
            eps.map((e) => e.endpoint_type),
          );
        const endpoints = eps
          .map((e) => ({ id, s3_endpoint: e.s3_endpoint, endpoint_type: e.endpoint_type }))
          .sort((a, b) => byText(a.endpoint_type, b.endpoint_type) || byText(a.s3_endpoint, b.s3_endpoint));
        return { id, cluster, endpoints };
      })
      .sort((a, b) => byText(a.id, b.id));
    this.byId = new Map(this.regions.map((r) => [r.id, r]));
    this.byCluster = new Map(this.regions.filter((r) => r.cluster !== "").map((r) => [r.cluster, r]));
  }

  /** Looks up a region by its id (`us-east`, `de-fra-2`). */
  find(id: string): RegionInfo | undefined {
    return this.byId.get(id);
  }

  /** Looks up the region behind a legacy cluster id (`us-east-1` → `us-east`). */
  forCluster(cluster: string): RegionInfo | undefined {
    return this.byCluster.get(cluster);
  }

  /**
   * The `regions[]` array for a set of region ids, in canonical order: duplicates collapse, ids
   * sort, each region expands to all of its endpoints. Unknown ids are ignored (callers validate).
   */
  endpointsFor(ids: Iterable<string>): RegionEndpoint[] {
    const wanted = new Set(ids);
    return this.regions.filter((r) => wanted.has(r.id)).flatMap((r) => r.endpoints.map((e) => ({ ...e })));
  }
}

/**
 * Reads a catalogue from JSON: the whole answer of `GET /object-storage/endpoints`
 * (`{ "data": [...] }`) or its `data` array. Entries may add `cluster`. Throws saying what is wrong.
 */
export function parseCatalogue(json: unknown): RegionCatalogue {
  const data = Array.isArray(json)
    ? json
    : typeof json === "object" && json !== null && Array.isArray((json as { data?: unknown }).data)
      ? (json as { data: unknown[] }).data
      : undefined;
  if (!data)
    throw new Error(
      'a catalogue is a JSON list of { region, endpoint_type, s3_endpoint, cluster? }, or { "data": [...] } as GET /object-storage/endpoints answers',
    );
  return new RegionCatalogue(data as EndpointRecord[]);
}

/** The live catalogue of 2026-04-30: 25 endpoints in 23 regions (catalogue.ts). */
export const LIVE_CATALOGUE = new RegionCatalogue(LIVE_ENDPOINTS);

/** The live account's default key regions that `catalogue` holds: a custom catalogue may lack some. */
export function liveDefaultRegionsIn(catalogue: RegionCatalogue): string[] {
  return LIVE_DEFAULT_KEY_REGIONS.filter((id) => catalogue.find(id));
}
