/**
 * `wait_until_usable`: a create (and so every replacement) returns only once the new key works at
 * its S3 endpoints, because right after creation Linode's endpoints can refuse a key with
 * `403 AccessDenied` for a while, most often E2/E3 ones (terraform-provider-linode #249 and
 * PR #2133, cluster-api-provider-linode PR #1105).
 *
 * What "works" means: an unlimited key is accepted by every endpoint of its regions (`GET /`, a
 * bucket listing); a limited key can list each of its buckets (`GET /<bucket>?list-type=2`) at one
 * endpoint of the bucket's region. Each probe is one signed request (s3-probe.ts). The wait is
 * bounded; when time runs out the error names what still refuses the key, and the key stays in
 * state (operations.ts hands it over as a partially created resource), so nothing is orphaned.
 *
 * @packageDocumentation
 */
import type { ApiKey, KeyInputs } from "./codecs";
import { objkeyError } from "./errors";
import { ProbeResult, ProbeTarget, probe } from "./s3-probe";
import type { ConfigSource } from "./settings";
import { sleep } from "./retry-policy";
import { UNKNOWN } from "./unknowns";

/**
 * The bounds of `wait_until_usable_timeout_seconds`. Functions, not module constants: a provider
 * serialized by value cannot carry these objects (see codecs.ts).
 */
export function usableTimeout() {
  return { default: 300, min: 1, max: 3600 } as const;
}

/** Where the S3 endpoint base is set (see {@link s3EndpointBase}). */
export function s3BaseSetting() {
  return { config: "linode-objkey:s3EndpointBase", env: "LINODE_OBJKEY_S3_ENDPOINT_BASE" } as const;
}

/** What must accept the key: one of `targets` (a bucket can be reached at any endpoint of its region). */
export interface ProbeGroup {
  /** How the error names it: the endpoint, or the bucket and its region. */
  readonly name: string;
  /** The requests that may each show the key works. */
  readonly targets: readonly ProbeTarget[];
}

/** The groups a key must pass; none for a limited key with access to no bucket. */
export function probeGroups(key: ApiKey): ProbeGroup[] {
  const endpointsOf = (region?: string) => [...new Set(key.regions.filter((r) => region === undefined || r.id === region).map((r) => r.s3_endpoint))].sort();
  if (key.bucket_access === null) return endpointsOf().map((endpoint) => ({ name: endpoint, targets: [{ endpoint }] }));
  const seen = new Set<string>();
  const groups: ProbeGroup[] = [];
  for (const { bucket_name, region } of key.bucket_access) {
    if (seen.has(`${region}/${bucket_name}`)) continue;
    seen.add(`${region}/${bucket_name}`);
    groups.push({ name: `bucket ${bucket_name} in ${region}`, targets: endpointsOf(region).map((endpoint) => ({ endpoint, bucket: bucket_name })) });
  }
  return groups;
}

/**
 * The S3 endpoint base from stack config or the environment: when set, probes go to
 * `<base>/<s3_endpoint>/...` instead of `https://<s3_endpoint>/...` (the emulator serves them
 * so). The API's answers keep the real host names. Plain http only to this machine.
 */
export function s3EndpointBase(config: ConfigSource | undefined, env: Record<string, string | undefined> = process.env): string | undefined {
  const setting = s3BaseSetting();
  const raw = config?.get(setting.config) || env[setting.env] || undefined;
  if (raw === undefined) return undefined;
  const where = `Fix stack config ${setting.config} or environment variable ${setting.env}.`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw objkeyError("settings", `Setting s3EndpointBase must be an http(s) URL such as http://127.0.0.1:8080/s3. ${where}`);
  }
  const loopback = ["localhost", "[::1]"].includes(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
  if (url.username || url.password || url.search || url.hash || !["http:", "https:"].includes(url.protocol) || (url.protocol === "http:" && !loopback)) {
    throw objkeyError(
      "settings",
      `Setting s3EndpointBase must be an https:// URL (http:// only to this machine) without credentials, query or fragment. ${where}`,
    );
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

/** How to wait. */
export interface WaitOptions {
  /** Give up after this long. */
  readonly timeoutMs: number;
  /** See {@link s3EndpointBase}. */
  readonly base?: string;
  /** Time allowed for one probe. */
  readonly requestTimeoutMs: number;
  /** Shows progress while waiting (the engine displays the provider's stderr). */
  readonly report: (line: string) => void;
}

/** One round: the groups still refusing, each with why (one reason per endpoint tried). */
async function round(groups: readonly ProbeGroup[], key: ApiKey, o: WaitOptions, leftMs: number): Promise<{ group: ProbeGroup; why: string }[]> {
  // A probe that hangs must not hold the wait past its bound (by more than a second).
  const probeOpts = { base: o.base, timeoutMs: Math.min(o.requestTimeoutMs, Math.max(1000, leftMs)) };
  const credentials = { accessKeyId: key.access_key, secretAccessKey: key.secret_key };
  const results = await Promise.all(
    groups.map(async (group) => ({ group, results: await Promise.all(group.targets.map((t) => probe(t, credentials, probeOpts))) })),
  );
  const why = (rs: ProbeResult[], g: ProbeGroup) => rs.map((r, i) => `${g.targets[i].endpoint}: ${r.ok ? "ok" : r.why}`).join(", ");
  return results.filter((r) => !r.results.some((x) => x.ok)).map((r) => ({ group: r.group, why: why(r.results, r.group) }));
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Resolves once every group of `key` accepts it (at once when none has to); rejects with an
 * `unusable` error naming what still refuses it when `timeoutMs` runs out. Probes every 0.5 s at
 * first, then less often (at most every 5 s).
 */
export async function waitUntilUsable(key: ApiKey, o: WaitOptions): Promise<void> {
  const start = Date.now();
  const who = `Key ${key.id} ("${key.label}")`;
  let pending = probeGroups(key);
  let lastReport = 0;
  for (let n = 0; pending.length; n++) {
    const refusing = await round(pending, key, o, o.timeoutMs - (Date.now() - start));
    pending = refusing.map((r) => r.group);
    if (!pending.length) break;
    const elapsed = Date.now() - start;
    const detail = refusing.map((r) => `${r.group.name} (${r.why})`).join("; ");
    if (elapsed >= o.timeoutMs) throw unusableError(who, key, o, elapsed, detail);
    if (n === 0 || Date.now() - lastReport >= 5000) {
      o.report(
        `${who}: waiting until Linode's S3 endpoints accept it, ${seconds(elapsed)} so far (at most ${seconds(o.timeoutMs)}); still refusing: ${detail}`,
      );
      lastReport = Date.now();
    }
    await sleep(Math.min(5000, 500 * 1.5 ** n, o.timeoutMs - elapsed));
  }
  if (lastReport) o.report(`${who}: accepted by its S3 endpoints after ${seconds(Date.now() - start)}.`);
}

function unusableError(who: string, key: ApiKey, o: WaitOptions, elapsed: number, detail: string): Error {
  const tried = key.bucket_access === null ? "GET / (list buckets)" : "GET /<bucket>?list-type=2&max-keys=1 (list the bucket)";
  return objkeyError(
    "unusable",
    `${who} was created, but after ${seconds(elapsed)} Linode's S3 endpoints still refuse it: ${detail}. ` +
      `Tried: ${tried}, signed with the new key (AWS Signature V4), at each endpoint${o.base ? ` through ${o.base}` : ""}, every few seconds for ${seconds(o.timeoutMs)}. ` +
      `Pulumi keeps key ${key.id} in state with its secret, and no other key was revoked. New keys can take minutes on E2/E3 endpoints: run pulumi up again later, ` +
      "or raise wait_until_usable_timeout_seconds; if every endpoint fails with no answer, check that this machine reaches them.",
  );
}

/** Checks `wait_until_usable` and `wait_until_usable_timeout_seconds` of raw inputs; `false` and absence both mean "no". */
export function validateUsable(raw: Record<string, unknown>, fail: (property: string, reason: string) => void): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const wait = raw.wait_until_usable;
  if (wait === true || wait === UNKNOWN) out.wait_until_usable = wait;
  else if (wait !== undefined && wait !== null && wait !== false)
    fail("wait_until_usable", `must be true or false, not ${Array.isArray(wait) ? "a list" : typeof wait}`);
  const t = raw.wait_until_usable_timeout_seconds;
  const { min, max } = usableTimeout();
  if (t === UNKNOWN) out.wait_until_usable_timeout_seconds = t;
  else if (t !== undefined && t !== null) {
    if (typeof t !== "number" || !Number.isInteger(t) || t < min || t > max) {
      fail("wait_until_usable_timeout_seconds", `must be a whole number of seconds from ${min} to ${max}`);
    } else out.wait_until_usable_timeout_seconds = t;
  }
  return out;
}

/**
 * Waits when `inputs` ask for it (see {@link waitUntilUsable}). A key that never became usable is
 * thrown as a partially created resource (`partial`: its id and outputs, which the engine
 * records), so Pulumi keeps it and the engine shows the whole story (`reasons`).
 */
export async function awaitUsableIfAsked(
  inputs: KeyInputs,
  key: ApiKey,
  partial: { id: string; properties: Record<string, unknown> },
  config: ConfigSource | undefined,
  requestTimeoutMs: number,
): Promise<void> {
  if (inputs.wait_until_usable !== true) return;
  const timeoutMs = (inputs.wait_until_usable_timeout_seconds ?? usableTimeout().default) * 1000;
  try {
    await waitUntilUsable(key, { timeoutMs, base: s3EndpointBase(config), requestTimeoutMs, report: (line) => console.error(line) });
  } catch (err) {
    throw Object.assign(err instanceof Error ? err : new Error(String(err)), { ...partial, reasons: [err instanceof Error ? err.message : String(err)] });
  }
}
