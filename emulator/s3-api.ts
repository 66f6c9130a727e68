/**
 * An S3-compatible endpoint per region of the catalogue, enough to tell whether a key works:
 * `GET /s3/<s3_endpoint>/` (list buckets) and `GET /s3/<s3_endpoint>/<bucket>` (list a bucket).
 * The signature (AWS Signature V4) is verified for real, with the key's secret: a wrong secret
 * gets `403 SignatureDoesNotMatch`. A new key is refused with `403 AccessDenied` for a settable
 * time after its creation, by default on E2/E3 endpoints only, as live does for a while
 * (terraform-provider-linode #249, PR #2133). Buckets are not stored: a limited key may list the
 * buckets of its `bucket_access`, and every listing is empty.
 *
 * Undocumented: assumed: the length of the refusal (live reports give none; 0 by default), which
 * endpoint types refuse, the codes of requests outside this model (anonymous, unknown endpoint,
 * other methods), and that any region in the signature's scope is accepted (Linode's endpoints
 * take `auto`, which terraform-provider-linode signs with, so they read the region from the request).
 *
 * @packageDocumentation
 */
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import type { EndpointType } from "./catalogue";
import type { Exchange } from "./exchange";
import type { RegionCatalogue, RegionEndpoint } from "./regions";
import type { Reply } from "./replies";
import type { ApiKey, KeyStore } from "./store";

/** The path prefix of S3 requests: `<emulator url>/s3` is the S3 endpoint base the provider is given. */
export const S3_PREFIX = "/s3/";

/** When a new key starts to work. */
export interface S3Readiness {
  /** How long after its creation a key is refused; default 0. */
  usableDelayMs: number;
  /** The endpoint types that refuse a new key; default E2 and E3. */
  delayedTypes: readonly EndpointType[];
}

/** The default readiness: no refusal; E2 and E3 refuse when a delay is set. */
export const DEFAULT_S3_READINESS: S3Readiness = { usableDelayMs: 0, delayedTypes: ["E2", "E3"] };

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

function xml(status: number, body: string): Reply {
  return { status, headers: { "Content-Type": "application/xml" }, body: `<?xml version="1.0" encoding="UTF-8"?>${body}` };
}

function s3Error(status: number, code: string, message: string): Reply {
  return xml(status, `<Error><Code>${code}</Code><Message>${message}</Message></Error>`);
}

const header = (ex: Exchange, name: string): string => {
  const v = ex.req.headers[name];
  return Array.isArray(v) ? v.join(",") : (v ?? "");
};

/** Answers S3 requests for the keys of a store. */
export class S3Api {
  constructor(
    private readonly store: KeyStore,
    private readonly catalogue: RegionCatalogue,
    /** Read at each request, so tests can change it while the emulator runs. */
    readonly readiness: S3Readiness,
  ) {}

  /** True for a request under {@link S3_PREFIX}. */
  handles(path: string): boolean {
    return path.startsWith(S3_PREFIX);
  }

  /** Verifies the signature, then answers as the key's access allows. */
  async act(ex: Exchange): Promise<Reply> {
    const [host, ...rest] = ex.path.slice(S3_PREFIX.length).split("/");
    const endpoint = this.catalogue.regions.flatMap((r) => r.endpoints).find((e) => e.s3_endpoint === host);
    if (!endpoint) return s3Error(404, "UnknownEndpoint", "No S3 endpoint of the catalogue has this host name.");
    if (ex.method !== "GET") return s3Error(405, "MethodNotAllowed", "The emulator's S3 endpoints answer GET only.");
    const auth = AUTH.exec(header(ex, "authorization"));
    if (!auth) return s3Error(403, "AccessDenied", "Anonymous requests are refused.");
    const found = this.store.byAccessKey(auth[1]);
    if (!found) return s3Error(403, "InvalidAccessKeyId", "The access key does not exist.");
    if (!(await this.signatureMatches(ex, auth, found.key.secret_key))) {
      return s3Error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.");
    }
    const { usableDelayMs, delayedTypes } = this.readiness;
    if (delayedTypes.includes(endpoint.endpoint_type) && Date.now() - found.createdAt < usableDelayMs) {
      return s3Error(403, "AccessDenied", "Access Denied");
    }
    const bucket = rest.join("/");
    return this.allowed(found.key, endpoint, bucket)
      ? xml(
          200,
          bucket
            ? `<ListBucketResult><Name>${bucket}</Name><KeyCount>0</KeyCount></ListBucketResult>`
            : "<ListAllMyBucketsResult><Buckets/></ListAllMyBucketsResult>",
        )
      : s3Error(403, "AccessDenied", "Access Denied");
  }

  /** An unlimited key lists buckets at the endpoints of its regions; a limited key lists its own buckets. */
  private allowed(key: ApiKey, endpoint: RegionEndpoint, bucket: string): boolean {
    if (key.bucket_access === null) return bucket === "" && key.regions.some((r) => r.s3_endpoint === endpoint.s3_endpoint);
    return bucket !== "" && key.bucket_access.some((a) => a.bucket_name === bucket && a.region === endpoint.id);
  }

  /** Signs the request again with the key's secret, over the headers it says it signed, and compares. */
  private async signatureMatches(ex: Exchange, auth: RegExpExecArray, secret: string): Promise<boolean> {
    const [, accessKeyId, , region, service, signedNames, signature] = auth;
    const date = AMZ_DATE.exec(header(ex, "x-amz-date"));
    if (!date) return false;
    const signingDate = new Date(Date.UTC(+date[1], +date[2] - 1, +date[3], +date[4], +date[5], +date[6]));
    const headers = Object.fromEntries(signedNames.split(";").map((n) => [n, header(ex, n)]));
    const url = new URL(ex.req.url ?? "/", "http://emulator");
    const signer = new SignatureV4({
      service,
      region,
      credentials: { accessKeyId, secretAccessKey: secret },
      sha256: Sha256,
      uriEscapePath: false,
      applyChecksum: false,
    });
    const signed = await signer.sign(
      { method: ex.method, protocol: "http:", hostname: "emulator", path: url.pathname, query: Object.fromEntries(url.searchParams), headers },
      { signingDate },
    );
    return signed.headers.authorization?.endsWith(`Signature=${signature}`) === true;
  }
}
