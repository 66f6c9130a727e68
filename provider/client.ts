/**
 * The `/object-storage/keys` endpoints over one {@link Transport}: every page of the listing,
 * one key, one POST, an update and a revoke, each answer decoded and checked against what was
 * asked. It also decides what a 404 means: "this key is gone" only once the listing proves the
 * API answered for this endpoint; otherwise the URL or API version is wrong.
 *
 * @packageDocumentation
 */
import { ApiKey, KeyQuota, codecs } from "./codecs";
import { STALE_SETTINGS_HINT, linodeApiError, objkeyError } from "./errors";
import { KEY_QUOTA_PATH, explainRefusedCreate } from "./key-quota";
import { Transport, createTransport, isNotFound } from "./transport";
import type { LinodeSettings } from "./settings";

/** The largest page the API serves; listing every key takes the fewest requests with it. */
export const MAX_PAGE_SIZE = 500;

/** The most pages read when listing: 100,000 keys, far past any account's; a listing that claims more is broken. */
export const MAX_PAGES = 200;

/** Body of a create request, in the API's shape. */
export interface CreateKeyBody {
  /** The key's label. */
  label: string;
  /** Omitted for an unlimited key; `[]` for a limited key with access to no bucket. */
  bucket_access?: { bucket_name: string; permissions: "read_only" | "read_write"; region: string }[];
  /** Regions the key may list and create buckets in. */
  regions?: string[];
}

/** Body of an update request: the API accepts only these two fields. */
export interface UpdateKeyBody {
  /** The new label. */
  label?: string;
  /** The complete new list of regions (it replaces the old one). */
  regions?: string[];
}

/** The keys endpoints. Every method decodes the API's answer before it returns. */
export interface KeysClient {
  /** Every key, across all pages, each id once. */
  listKeys(pageSize?: number): Promise<ApiKey[]>;
  /** One key, or `undefined` when it is provably gone. */
  getKey(id: number): Promise<ApiKey | undefined>;
  /** The account's key limit and how many keys it holds (one GET). */
  getKeyQuota(): Promise<KeyQuota>;
  /**
   * Sends one POST and never repeats it after an answer that may mean the API acted: such an
   * outcome is thrown as an `AmbiguousOutcome` (transport.ts) for the create recovery to settle.
   * A refusal at the account's key limit is thrown as a `KeyLimitError` (key-quota.ts).
   */
  postKey(body: CreateKeyBody): Promise<ApiKey>;
  /** Updates a key's label and/or regions. */
  updateKey(id: number, body: UpdateKeyBody): Promise<ApiKey>;
  /** Revokes a key; returns `false` when it was provably gone already. */
  deleteKey(id: number): Promise<boolean>;
  /** The settings the client was built with. */
  readonly settings: LinodeSettings;
}

const KEYS = "/object-storage/keys";

/** The error for a key that must be changed but was revoked outside Pulumi (its 404 proved it gone). */
export function keyGoneError(operation: string, id: number): Error {
  return linodeApiError(
    operation,
    404,
    [{ reason: "The specified access key was not found" }],
    `Key ${id} no longer exists (it was revoked outside Pulumi); run pulumi refresh to drop it from state, then pulumi up to make a new one`,
  );
}

/** The error for a URL or API version that does not serve the keys API. */
function wrongEndpoint(settings: LinodeSettings, operation: string): Error {
  return objkeyError(
    "endpoint",
    `${settings.baseUrl} does not serve the Linode keys API: ${operation} and the key listing answered HTTP 404. ` +
      "Check linode:url / LINODE_URL (the API root, e.g. https://api.linode.com, without a version) and " +
      `linode:apiVersion / LINODE_API_VERSION (v4 or v4beta). ${STALE_SETTINGS_HINT}.`,
  );
}

/**
 * A 404 for one key means "gone" only if the API answers for the endpoint itself: a wrong URL,
 * API version or route also answers 404, and taking that for "gone" would empty the state
 * while every key stays live. (A token of another account cannot be told apart this way.)
 */
async function goneOrWrongEndpoint({ send, settings }: Transport, operation: string): Promise<void> {
  const page = await send("GET", KEYS, codecs().KeyRefPage, { query: { page: 1, page_size: 25 }, allow404: true });
  if (isNotFound(page)) throw wrongEndpoint(settings, operation);
}

/** `key`, checked to be the key asked for. */
function checkId<A extends { id: number }>(operation: string, id: number, key: A): A {
  if (key.id !== id) {
    throw objkeyError(
      "decode",
      `Linode API answered ${operation} with key ${key.id} instead of key ${id}; nothing was stored. Check that linode:url / LINODE_URL points at the Linode API.`,
    );
  }
  return key;
}

/** Every key of every page, each id once. */
async function listAll({ send, settings }: Transport, pageSize: number): Promise<ApiKey[]> {
  const byId = new Map<number, ApiKey>();
  for (let page = 1, pages = 1; page <= pages; page++) {
    const result = await send("GET", KEYS, codecs().ApiKeyPage, { query: { page, page_size: pageSize }, allow404: true });
    if (isNotFound(result)) throw wrongEndpoint(settings, `GET ${KEYS}`);
    if (result.page !== page) {
      throw objkeyError(
        "decode",
        `Linode API answered page ${result.page} when page ${page} of the key listing was asked; the listing cannot be trusted. Run the command again.`,
      );
    }
    if (result.pages > MAX_PAGES) {
      throw objkeyError(
        "decode",
        `Linode API says the key listing has ${result.pages} pages of ${pageSize}; this provider reads at most ${MAX_PAGES}. Check that linode:url / LINODE_URL points at the Linode API.`,
      );
    }
    // Keys made or revoked between two pages shift the pages: a key may come twice.
    for (const key of result.data) if (!byId.has(key.id)) byId.set(key.id, key);
    pages = result.pages;
  }
  return [...byId.values()];
}

/** The account's key limit and how many keys it holds (one GET). */
async function getKeyQuota({ send, settings }: Transport): Promise<KeyQuota> {
  const quota = await send("GET", KEY_QUOTA_PATH, codecs().KeyQuota);
  if (isNotFound(quota)) throw wrongEndpoint(settings, `GET ${KEY_QUOTA_PATH}`);
  return quota;
}

/** Builds the keys client for one call's settings. */
export function createKeysClient(settings: LinodeSettings, transport: Transport = createTransport(settings)): KeysClient {
  const { ApiKey: ApiKeyCodec, Revoked } = codecs();
  const { send } = transport;
  return {
    settings,
    listKeys: (pageSize = MAX_PAGE_SIZE) => listAll(transport, pageSize),
    async getKey(id) {
      const key = await send("GET", `${KEYS}/${id}`, ApiKeyCodec, { allow404: true });
      if (!isNotFound(key)) return checkId(`GET ${KEYS}/${id}`, id, key);
      await goneOrWrongEndpoint(transport, `GET ${KEYS}/${id}`);
      return undefined;
    },
    getKeyQuota: () => getKeyQuota(transport),
    async postKey(body) {
      const operation = `POST ${KEYS}`;
      let key: ApiKey | { status: 404 };
      try {
        key = await send("POST", KEYS, ApiKeyCodec, { body, allow404: true });
      } catch (err) {
        throw await explainRefusedCreate(err, operation, () => getKeyQuota(transport));
      }
      if (isNotFound(key)) throw wrongEndpoint(settings, operation);
      return key;
    },
    async updateKey(id, body) {
      const operation = `PUT ${KEYS}/${id}`;
      const key = await send("PUT", `${KEYS}/${id}`, ApiKeyCodec, { body, allow404: true });
      if (!isNotFound(key)) return checkId(operation, id, key);
      await goneOrWrongEndpoint(transport, operation);
      throw keyGoneError(operation, id);
    },
    async deleteKey(id) {
      const revoked = await send("DELETE", `${KEYS}/${id}`, Revoked, { allow404: true });
      if (!isNotFound(revoked)) return true;
      await goneOrWrongEndpoint(transport, `DELETE ${KEYS}/${id}`);
      return false;
    },
  };
}
