/**
 * One signed S3 request with a key's own credentials: does this endpoint accept the key yet?
 *
 * Signing is AWS Signature Version 4, done by `@smithy/signature-v4` (the signer of the AWS SDK
 * for JavaScript v3) with `@aws-crypto/sha256-js`; nothing of it is written here.
 *
 * The signing region is `auto`, as terraform-provider-linode signs every Object Storage request
 * (`linode/helper/objects.go`, `S3Connection`: `config.WithRegion("auto")`, base endpoint
 * `https://<s3_endpoint>`). Linode's endpoints check the signature with the region named in the
 * request's own credential scope, so the cluster id (`us-iad-1`) would do as well; `auto` needs no
 * mapping from endpoint to cluster, which newer regions do not have.
 *
 * @packageDocumentation
 */
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";

/** The signing region (see the file comment). */
export const S3_SIGNING_REGION = "auto";

/** The request a probe sends: `GET /` (list buckets) for an unlimited key, `GET /<bucket>?list-type=2&max-keys=1` for a bucket. */
export interface ProbeTarget {
  /** The S3 host name, as the API lists it (`us-iad-1.linodeobjects.com`). */
  readonly endpoint: string;
  /** The bucket, for a limited key. */
  readonly bucket?: string;
}

/** What one probe came to: accepted, or why not (the status and S3's error code, or the network failure; `""` when accepted). */
export interface ProbeResult {
  /** True when the endpoint answered 2xx: the key works there. */
  readonly ok: boolean;
  /** Why not, e.g. `HTTP 403 AccessDenied`. */
  readonly why: string;
}

/** The credentials a probe signs with. */
export interface ProbeCredentials {
  /** The key's `access_key`. */
  readonly accessKeyId: string;
  /** The key's `secret_key`; it signs, and is never sent. */
  readonly secretAccessKey: string;
}

/**
 * The URL of a target: `https://<endpoint>/...`, or `<base>/<endpoint>/...` when `base` (the
 * `linode-objkey:s3EndpointBase` setting) sends S3 requests elsewhere, e.g. to the emulator.
 */
export function probeUrl(target: ProbeTarget, base?: string): URL {
  const path = target.bucket ? `/${encodeURIComponent(target.bucket)}` : "/";
  const url = new URL(base ? `${base.replace(/\/+$/, "")}/${target.endpoint}${path}` : `https://${target.endpoint}${path}`);
  if (target.bucket) {
    url.searchParams.set("list-type", "2");
    url.searchParams.set("max-keys", "1");
  }
  return url;
}

/** The signed headers for a GET of `url` (the host, the date, the payload hash and the authorization). */
export async function signedHeaders(url: URL, credentials: ProbeCredentials, now = new Date()): Promise<Record<string, string>> {
  const signer = new SignatureV4({ service: "s3", region: S3_SIGNING_REGION, credentials, sha256: Sha256, uriEscapePath: false, applyChecksum: true });
  const signed = await signer.sign(
    {
      method: "GET",
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { host: url.host },
    },
    { signingDate: now },
  );
  return signed.headers;
}

/** S3's error code from an XML error body (`<Code>AccessDenied</Code>`), if there is one. */
function s3ErrorCode(body: string): string | undefined {
  return /<Code>([^<]{1,100})<\/Code>/.exec(body)?.[1];
}

/** Sends one signed GET to `target`; never throws, never puts the secret in its answer. */
export async function probe(target: ProbeTarget, credentials: ProbeCredentials, opts: { base?: string; timeoutMs: number }): Promise<ProbeResult> {
  const url = probeUrl(target, opts.base);
  try {
    const { host: _host, ...headers } = await signedHeaders(url, credentials);
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(opts.timeoutMs), redirect: "manual" });
    const body = await res.text();
    if (res.status >= 200 && res.status < 300) return { ok: true, why: "" };
    return { ok: false, why: `HTTP ${res.status}${s3ErrorCode(body) ? ` ${s3ErrorCode(body)}` : ""}` };
  } catch (err) {
    const cause: unknown = err instanceof Error ? Reflect.get(err, "cause") : undefined;
    const code = cause instanceof Error ? (Reflect.get(cause, "code") ?? cause.message) : err instanceof Error ? err.name : String(err);
    return { ok: false, why: `no answer (${String(code).slice(0, 80)})` };
  }
}
