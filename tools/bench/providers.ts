/**
 * The two reference dynamic providers the benchmark sets this package against:
 *
 * - `noop`: the minimal dynamic provider, as a program would write it. No API call; its state is
 *   its inputs. It sits in this repository, so Pulumi serializes it by value (about 550 bytes).
 * - `bareHttp`: one bare `http.request` per call to the same API (POST to create, GET to read,
 *   PUT to update, DELETE to delete), with no validation, retry or create safety: the floor for
 *   the same API work. Its outputs are the key's label and access key. The benchmark installs
 *   this file as a module whose exports object is this provider, so that, like this package, it
 *   is serialized as one `require()` and its state holds no code.
 */
import * as pulumi from "@pulumi/pulumi";

/** Inputs of the reference resources. */
export interface RefInputs {
  label: string;
}

/** The minimal dynamic provider: ids from a counter, outputs are the inputs. */
export const noopProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: RefInputs) {
    return { id: `${Date.now()}-${Math.random().toString(36).slice(2)}`, outs: inputs };
  },
};

/** One bare `http.request`, JSON in and out; rejects on a status other than 200. */
function call(url: string, token: string, method: string, body?: unknown): Promise<Record<string, unknown>> {
  const http = require("http") as typeof import("http");
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(url, { method, headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () =>
        res.statusCode === 200 ? resolve(text ? JSON.parse(text) : {}) : reject(new Error(`${method} ${url}: HTTP ${res.statusCode} ${text}`)),
      );
    });
    req.on("error", reject);
    req.end(data);
  });
}

/** Where the bare provider sends its requests: stack config `linode:url` and `linode:token`. */
const target = { url: "", token: "" };

/** One bare `http.request` per call against the keys endpoints. */
export const bareHttpProvider: pulumi.dynamic.ResourceProvider = {
  async configure(req: pulumi.dynamic.ConfigureRequest) {
    target.url = `${req.config.require("linode:url")}/v4/object-storage/keys`;
    target.token = req.config.require("linode:token");
  },
  async create(inputs: RefInputs) {
    const key = await call(target.url, target.token, "POST", { label: inputs.label });
    return { id: String(key.id), outs: { label: key.label, access_key: key.access_key } };
  },
  async read(id: string) {
    const key = await call(`${target.url}/${id}`, target.token, "GET");
    return { id, props: { label: key.label, access_key: key.access_key } };
  },
  async update(id: string, _olds: unknown, news: RefInputs) {
    const key = await call(`${target.url}/${id}`, target.token, "PUT", { label: news.label });
    return { outs: { label: key.label, access_key: key.access_key } };
  },
  async delete(id: string) {
    await call(`${target.url}/${id}`, target.token, "DELETE");
  },
};

/** A resource over one of the reference providers. */
export class RefResource extends pulumi.dynamic.Resource {
  /**
   * @param provider `noopProvider` or `bareHttpProvider`.
   * @param name The resource's name.
   * @param args Its label.
   */
  constructor(provider: pulumi.dynamic.ResourceProvider, name: string, args: { label: string }) {
    super(provider, name, { ...args }, undefined, "bench", "Ref");
  }
}
