/**
 * CLI entry: `npm run emulator -- [options]` (`node dist/emulator/main.js`). `--help` lists the
 * options; each has an environment variable, and an option given on the command line wins.
 */
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { EndpointType, LIVE_DEFAULT_KEY_REGIONS, LIVE_KEY_LIMIT } from "./catalogue";
import { DEFAULT_S3_READINESS, S3Readiness } from "./s3-api";
import { DEFAULT_ORDER_SEED, ORDER_SEED_ENV, OrderSeed, orderSeedFromEnv, parseOrderSeed } from "./order";
import { LIVE_CATALOGUE, RegionCatalogue, liveDefaultRegionsIn, parseCatalogue } from "./regions";
import { startEmulator } from "./server";

const HELP = `Usage: npm run emulator -- [options]

A Linode API emulator for the Object Storage keys endpoints (/v4/object-storage/keys), on 127.0.0.1.

Options (each also read from the environment variable shown; the option wins):
  --port N                 port to listen on; 0 picks a free one                 [LINODE_EMULATOR_PORT, default 0]
  --token T                the accepted bearer token; without one, a random      [LINODE_TOKEN]
                           token is generated and printed
  --catalogue FILE         the account's regions: a JSON file holding the answer [LINODE_EMULATOR_CATALOGUE]
                           of GET /v4/object-storage/endpoints ({"data": [...]})
                           or its data list; entries { region, endpoint_type,
                           s3_endpoint } and optionally cluster (the legacy
                           cluster id, "" for none). Default: the live list of
                           2026-04-30, ${LIVE_CATALOGUE.regions.length} regions
  --default-regions IDS    comma-separated region ids that an unlimited key      [LINODE_EMULATOR_DEFAULT_REGIONS]
                           created without regions gets, or "all" for the whole
                           catalogue. Default: the ${LIVE_DEFAULT_KEY_REGIONS.length} regions one live account
                           got on 2026-05-06 (those in the catalogue)
  --order-seed N|sorted    order of regions[] (and of bucket_access on reads) in [${ORDER_SEED_ENV}, default ${DEFAULT_ORDER_SEED}]
                           answers: an integer seeds a reproducible permutation
                           per answer (live guarantees no order); "sorted" gives
                           regions sorted and bucket_access in request order
  --key-limit N            the most keys the account holds; a create beyond it  [LINODE_EMULATOR_KEY_LIMIT, default ${LIVE_KEY_LIMIT}]
                           is refused (GET /v4/object-storage/global-quotas/
                           keys/usage reports limit and usage)
  --s3-usable-delay-ms N   how long the S3 endpoints (<url>/s3/<s3_endpoint>/)   [LINODE_EMULATOR_S3_USABLE_DELAY_MS, default 0]
                           refuse a new key with 403 AccessDenied
  --s3-delayed-types LIST  the endpoint types that refuse a new key that long    [LINODE_EMULATOR_S3_DELAYED_TYPES, default E2,E3]
  -h, --help               show this help

Sources of the default data: emulator/catalogue.ts. Which rules are live facts and which are
assumptions: docs/testing.md, section "The emulator".
`;

/** The emulator's settings, from the command line and then the environment. */
export interface CliSettings {
  help: boolean;
  port: number;
  token?: string;
  catalogue: RegionCatalogue;
  defaultRegions: readonly string[];
  orderSeed: OrderSeed;
  keyLimit: number;
  s3: S3Readiness;
}

/** Parses `args` and `env`; throws saying which option is wrong and why. */
export function cliSettings(args: string[], env: NodeJS.ProcessEnv): CliSettings {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: "string" },
      token: { type: "string" },
      catalogue: { type: "string" },
      "default-regions": { type: "string" },
      "order-seed": { type: "string" },
      "key-limit": { type: "string" },
      "s3-usable-delay-ms": { type: "string" },
      "s3-delayed-types": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: false,
  });
  const pick = (value: string | undefined, name: string) => (value !== undefined ? value : env[name] || undefined);

  const portText = pick(values.port, "LINODE_EMULATOR_PORT");
  const port = portText === undefined ? 0 : Number(portText);
  if (!/^\d+$/.test(portText ?? "0") || port > 65535) throw new Error(`--port must be an integer from 0 to 65535, not ${JSON.stringify(portText)}`);

  const file = pick(values.catalogue, "LINODE_EMULATOR_CATALOGUE");
  let catalogue = LIVE_CATALOGUE;
  if (file !== undefined) {
    try {
      catalogue = parseCatalogue(JSON.parse(fs.readFileSync(file, "utf8")));
    } catch (e) {
      throw new Error(`--catalogue ${file}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }

  const regionsText = pick(values["default-regions"], "LINODE_EMULATOR_DEFAULT_REGIONS");
  let defaultRegions: readonly string[];
  if (regionsText === undefined) defaultRegions = liveDefaultRegionsIn(catalogue);
  else if (regionsText.trim() === "all") {
    defaultRegions = catalogue.regions.map((r) => r.id);
  } else {
    defaultRegions = regionsText
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "");
    const unknown = defaultRegions.filter((id) => !catalogue.find(id));
    if (unknown.length) throw new Error(`--default-regions: not in the catalogue: ${unknown.join(", ")}`);
  }

  const seedArg = values["order-seed"];
  let orderSeed: OrderSeed;
  try {
    orderSeed = seedArg !== undefined ? parseOrderSeed(seedArg) : orderSeedFromEnv(env);
  } catch (e) {
    throw new Error(`${seedArg !== undefined ? "--order-seed" : ORDER_SEED_ENV}: ${(e as Error).message}`, { cause: e });
  }

  const limitText = pick(values["key-limit"], "LINODE_EMULATOR_KEY_LIMIT");
  const keyLimit = limitText === undefined ? LIVE_KEY_LIMIT : Number(limitText);
  if (!/^\d{1,9}$/.test(limitText ?? "0")) throw new Error(`--key-limit must be a whole number from 0, not ${JSON.stringify(limitText)}`);

  const delayText = pick(values["s3-usable-delay-ms"], "LINODE_EMULATOR_S3_USABLE_DELAY_MS");
  if (!/^\d{1,10}$/.test(delayText ?? "0")) throw new Error(`--s3-usable-delay-ms must be a whole number of milliseconds, not ${JSON.stringify(delayText)}`);
  const typesText = pick(values["s3-delayed-types"], "LINODE_EMULATOR_S3_DELAYED_TYPES");
  const isType = (t: string): t is EndpointType => ["E0", "E1", "E2", "E3"].includes(t);
  const names = typesText === undefined ? [...DEFAULT_S3_READINESS.delayedTypes] : typesText.split(",").map((t) => t.trim());
  const badType = names.find((t) => !isType(t));
  if (badType !== undefined) throw new Error(`--s3-delayed-types takes endpoint types E0 to E3 separated by commas, not ${JSON.stringify(badType)}`);
  const s3: S3Readiness = { usableDelayMs: Number(delayText ?? 0), delayedTypes: names.filter(isType) };

  return { help: values.help === true, port, token: pick(values.token, "LINODE_TOKEN"), catalogue, defaultRegions, orderSeed, keyLimit, s3 };
}

async function main(): Promise<void> {
  const s = cliSettings(process.argv.slice(2), process.env);
  if (s.help) {
    process.stdout.write(HELP);
    return;
  }
  const emulator = await startEmulator({
    port: s.port,
    tokens: s.token ? [s.token] : undefined,
    catalogue: s.catalogue,
    defaultRegions: s.defaultRegions,
    orderSeed: s.orderSeed,
    keyLimit: s.keyLimit,
    s3: s.s3,
  });
  console.log(`Linode API emulator listening on ${emulator.url}`);
  console.log(`S3 endpoints under ${emulator.s3Url} (set linode-objkey:s3EndpointBase to it)`);
  console.log(
    `Regions: ${s.catalogue.regions.length} in the catalogue, ${s.defaultRegions.length} by default; order: ${s.orderSeed === null ? "sorted" : `seed ${s.orderSeed}`}; key limit ${s.keyLimit}`,
  );
  // Only a generated token is printed: a caller-supplied one is already known and may be real.
  if (!s.token) console.log(`Token: ${emulator.token}`);
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    console.error("Run with --help for the options.");
    process.exit(1);
  });
}
