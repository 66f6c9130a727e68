/**
 * Data, not code: the Object Storage endpoints the live API lists, and the regions one live
 * account's keys get when they are created without `regions`. The emulator starts with these
 * unless told otherwise (`--catalogue`, `--default-regions`; see main.ts).
 *
 * Source: linodego's recorded exchanges with the live API (github.com/linode/linodego, commit
 * 676b9dbeacf05d88a69ef25c2968be2497d363b4, `test/integration/fixtures/`), the newest ones cited in
 * the project's reference notes (linode-object-storage-keys-api.md §8):
 * - {@link LIVE_ENDPOINTS}: `TestObjectStorageBucketCert.yaml`, `GET /v4beta/object-storage/endpoints`,
 *   recorded 2026-04-30 20:17:48 GMT: 25 endpoints in 23 regions, in the order live listed them
 *   (`TestObjectStorageBucket_Access_Get.yaml`, 38 s later, lists the same 25 in another order).
 * - {@link LIVE_DEFAULT_KEY_REGIONS}: `TestObjectStorageKey_List.yaml`, `POST /v4beta/object-storage/keys`
 *   with `{"label":"go-test-def"}` only, recorded 2026-05-06 02:22:10 GMT: 20 endpoints in 18 regions
 *   (no au-mel, de-fra-2, gb-lon, sg-sin-2, jp-tyo-3). `TestObjectStorageKey_GetFound.yaml` and
 *   `TestObjectStorageKey_Update.yaml` (2026-04-30) got the same 18. Another account got 7 regions
 *   (2026-04-28): the defaults are the account's, which is why they are configurable.
 * - {@link OBSERVED_CLUSTERS}: the `cluster` live derived in `bucket_access` answers of the same
 *   fixtures. Every other region's cluster is assumed (see regions.ts).
 */

/** Endpoint generation reported by the API for an S3 endpoint. */
export type EndpointType = "E0" | "E1" | "E2" | "E3";

/** One entry of `GET /object-storage/endpoints`, as the live API returns it. */
export interface EndpointRecord {
  readonly region: string;
  readonly endpoint_type: EndpointType;
  readonly s3_endpoint: string;
  /**
   * Not in the live answer: the region's legacy cluster id, `""` for none. When absent, the
   * emulator uses {@link OBSERVED_CLUSTERS} or its assumed rule (regions.ts).
   */
  readonly cluster?: string;
}

/** `GET /v4beta/object-storage/endpoints`, live, 2026-04-30 (see the file comment). */
export const LIVE_ENDPOINTS: readonly EndpointRecord[] = [
  { region: "ap-south", endpoint_type: "E0", s3_endpoint: "ap-south-1.linodeobjects.com" },
  { region: "us-iad", endpoint_type: "E1", s3_endpoint: "us-iad-1.linodeobjects.com" },
  { region: "fr-par", endpoint_type: "E1", s3_endpoint: "fr-par-1.linodeobjects.com" },
  { region: "us-southeast", endpoint_type: "E0", s3_endpoint: "us-southeast-1.linodeobjects.com" },
  { region: "br-gru", endpoint_type: "E1", s3_endpoint: "br-gru-1.linodeobjects.com" },
  { region: "au-mel", endpoint_type: "E2", s3_endpoint: "au-mel-1.linodeobjects.com" },
  { region: "in-maa", endpoint_type: "E1", s3_endpoint: "in-maa-1.linodeobjects.com" },
  { region: "us-sea", endpoint_type: "E1", s3_endpoint: "us-sea-1.linodeobjects.com" },
  { region: "de-fra-2", endpoint_type: "E3", s3_endpoint: "de-fra-1.linodeobjects.com" },
  { region: "us-lax", endpoint_type: "E3", s3_endpoint: "us-lax-4.linodeobjects.com" },
  { region: "us-lax", endpoint_type: "E1", s3_endpoint: "us-lax-1.linodeobjects.com" },
  { region: "it-mil", endpoint_type: "E1", s3_endpoint: "it-mil-1.linodeobjects.com" },
  { region: "us-mia", endpoint_type: "E1", s3_endpoint: "us-mia-1.linodeobjects.com" },
  { region: "se-sto", endpoint_type: "E1", s3_endpoint: "se-sto-1.linodeobjects.com" },
  { region: "id-cgk", endpoint_type: "E1", s3_endpoint: "id-cgk-1.linodeobjects.com" },
  { region: "eu-central", endpoint_type: "E0", s3_endpoint: "eu-central-1.linodeobjects.com" },
  { region: "gb-lon", endpoint_type: "E3", s3_endpoint: "gb-lon-1.linodeobjects.com" },
  { region: "nl-ams", endpoint_type: "E1", s3_endpoint: "nl-ams-1.linodeobjects.com" },
  { region: "es-mad", endpoint_type: "E1", s3_endpoint: "es-mad-1.linodeobjects.com" },
  { region: "jp-osa", endpoint_type: "E1", s3_endpoint: "jp-osa-1.linodeobjects.com" },
  { region: "us-east", endpoint_type: "E0", s3_endpoint: "us-east-1.linodeobjects.com" },
  { region: "sg-sin-2", endpoint_type: "E3", s3_endpoint: "sg-sin-1.linodeobjects.com" },
  { region: "jp-tyo-3", endpoint_type: "E3", s3_endpoint: "jp-tyo-1.linodeobjects.com" },
  { region: "us-ord", endpoint_type: "E1", s3_endpoint: "us-ord-1.linodeobjects.com" },
  { region: "us-ord", endpoint_type: "E3", s3_endpoint: "us-ord-10.linodeobjects.com" },
];

/** The regions of a key created with only a label, on the account recorded 2026-05-06 (see the file comment). */
export const LIVE_DEFAULT_KEY_REGIONS: readonly string[] = [
  "ap-south",
  "br-gru",
  "es-mad",
  "eu-central",
  "fr-par",
  "id-cgk",
  "in-maa",
  "it-mil",
  "jp-osa",
  "nl-ams",
  "se-sto",
  "us-east",
  "us-iad",
  "us-lax",
  "us-mia",
  "us-ord",
  "us-sea",
  "us-southeast",
];

/** Legacy cluster ids live reported in `bucket_access` answers (2020–2026), by region; `""` is "none". */
export const OBSERVED_CLUSTERS: Readonly<Record<string, string>> = {
  "us-east": "us-east-1",
  "us-iad": "us-iad-1",
  "in-maa": "in-maa-1",
  "se-sto": "se-sto-1",
  "us-lax": "us-lax-1",
  "au-mel": "",
  "gb-lon": "",
};

/**
 * Akamai's "Object Storage quotas and limits" page (reference §9): an account holds at most 100
 * access keys. The emulator's default; `--key-limit` changes it.
 */
export const LIVE_KEY_LIMIT = 100;

/**
 * The answer to a create at the key limit. Undocumented: assumed: no public recording shows the
 * status or the reason text (reference §9). Tests assert the status and the absence of a `field`
 * only, and the provider recognises the refusal by reading the usage endpoint, never by this text.
 */
export const KEY_LIMIT_REFUSAL: { readonly status: number; readonly reason: string } = {
  status: 400,
  reason: "You have reached the maximum number of Object Storage access keys for this account.",
};
