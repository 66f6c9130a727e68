/**
 * The object-storage keys endpoints: routing, auth, the write limit and acting on the key store.
 */
import type { Exchange } from "./exchange";
import { Reply, apiHeaders, errorReply, json } from "./replies";
import { KeyStore, LinodeError } from "./store";
import type { WriteWindow } from "./write-window";

const ROUTE = /^\/v4(?:beta)?\/object-storage\/keys(?:\/(\d+))?$/;
const QUOTA_ROUTE = /^\/v4(?:beta)?\/object-storage\/global-quotas\/keys\/usage$/;

/** The key id of an item path, `"collection"` for the collection, `"quota"` for the key usage, undefined when no route matches. */
function route(method: string, path: string): number | "collection" | "quota" | undefined {
  if (QUOTA_ROUTE.test(path)) return method === "GET" ? "quota" : undefined;
  const m = ROUTE.exec(path);
  const id = m?.[1] === undefined ? undefined : Number(m[1]);
  const allowed = id === undefined ? ["GET", "POST"] : ["GET", "PUT", "DELETE"];
  if (!m || !allowed.includes(method)) return undefined;
  return id ?? "collection";
}

/** Answers keys requests from a key store, refusing writes over the write window's limit. */
export class KeysApi {
  constructor(
    private readonly store: KeyStore,
    private readonly writes: WriteWindow,
  ) {}

  /** Acts on the request and returns the answer; any error other than a LinodeError is a bug and thrown. */
  act(ex: Exchange): Reply {
    const target = route(ex.method, ex.path);
    // Undocumented: assumed. An unknown route or a method a route lacks answers the generic 404
    // (live may send 405 for the latter), checked before auth; no client here depends on either.
    if (target === undefined) return errorReply(404, [{ reason: "Not found" }]);
    if (!ex.authorized) return errorReply(401, [{ reason: "Invalid Token" }]);
    let headers = apiHeaders(ex.method);
    if (ex.method !== "GET") {
      const gate = this.writes.gate(Date.now());
      if (gate.reply) return gate.reply;
      headers = { ...headers, ...gate.headers };
    }
    try {
      // Undocumented: assumed (status and text): no live answer to a body that is not JSON is recorded.
      if (ex.method !== "GET" && ex.method !== "DELETE" && !ex.bodyIsJson) throw new LinodeError(400, [{ reason: "Request body must be valid JSON" }]);
      return json(200, this.dispatch(ex, target), headers);
    } catch (e) {
      if (e instanceof LinodeError) return errorReply(e.status, e.errors, headers);
      throw e;
    }
  }

  /** The answer's body for a routed, authorized request; throws LinodeError when the store refuses. */
  private dispatch(ex: Exchange, target: number | "collection" | "quota"): unknown {
    if (target === "quota") return this.store.usage();
    if (target === "collection") return ex.method === "GET" ? this.list(ex) : this.store.create(ex.body);
    if (ex.method === "GET") return this.store.get(target);
    if (ex.method === "PUT") return this.store.update(target, ex.body);
    this.store.revoke(target);
    return {};
  }

  private list(ex: Exchange): unknown {
    const filter = filterField(ex.req.headers["x-filter"]);
    if (filter !== undefined) throw new LinodeError(400, [{ reason: `Cannot filter on ${filter}`, field: "X-Filter" }]);
    const page = ex.query.page === undefined ? 1 : Number(ex.query.page);
    const size = ex.query.page_size === undefined ? 100 : Number(ex.query.page_size);
    return this.store.list(page, size);
  }
}

/**
 * The field named by an X-Filter header, or undefined when there is no filter.
 * Keys have no filterable fields, so any filter at all is refused ("Cannot filter on <field>" is
 * recorded live). Undocumented: assumed: refusing operators such as `+order_by` too, and the
 * answer to a header that is not JSON.
 */
function filterField(header: string | string[] | undefined): string | undefined {
  const raw = Array.isArray(header) ? header[0] : header;
  if (raw === undefined || raw.trim() === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return "X-Filter";
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return "X-Filter";
  return Object.keys(parsed)[0];
}
