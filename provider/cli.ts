#!/usr/bin/env node
/**
 * `linode-objkey`: the package's command line. One command today, `untracked`: lists the keys
 * this package left behind, found by their create marker (see untracked.ts), and revokes the
 * ones named with `--revoke`.
 *
 * @packageDocumentation
 */
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { ApiKey, parseKeyId } from "./codecs";
import type { LinodeSettingsOverrides } from "./settings";
import { DEFAULT_MIN_AGE_MS, accountKeyUsage, findUntrackedKeys, keyUsageLine, revokeUntrackedKeys } from "./untracked";

const USAGE = `Usage: linode-objkey untracked [--state FILE]... [--no-state] [--min-age MINUTES] [--revoke ID[,ID...]] [--json]

Lists the Object Storage keys that this package created but that no given stack's state holds:
keys left by a killed \`pulumi up\` or by a create Linode carried out after the provider stopped
waiting. Each still carries its create label (pulumi-objkey-create-...), and only such keys are
listed: never a key a given state holds, a hand-made key, or another stack's key.

  --state FILE    the output of \`pulumi stack export\` (repeat for every stack on the account);
                  without it (and without --no-state), the export is read from standard input
  --no-state      give no state: list every key that carries a create label
  --min-age MIN   only keys whose create label is at least MIN minutes old (default ${DEFAULT_MIN_AGE_MS / 60000}):
                  a younger one may be a create still running
  --revoke IDS    revoke these keys (comma-separated ids); each must be in the list printed
  --json          print the list as JSON (the account's key usage then goes to standard error)
  --url URL       the account's API root, as connection.url / linode:url (default: LINODE_URL, else
                  https://api.linode.com)
  --api-version V as connection.apiVersion / linode:apiVersion (default: LINODE_API_VERSION, else v4)
  --token-env NAME  read the token from environment variable NAME instead of LINODE_TOKEN (for a
                  key's connection: the token never goes on the command line)

It also prints how many of the account's access keys are in use (Linode allows 100 per account
unless asked for more).

The token and API root come from LINODE_TOKEN and LINODE_URL (and LINODE_API_VERSION) unless
the options above say otherwise. Run it once per account (a connection's keys live in theirs).
Example: pulumi stack export | npx linode-objkey untracked`;

/** `--revoke` ids, checked before any request: a typo must not cost a listing of the account. */
function revokeIds(raw: string | undefined): number[] | undefined {
  if (raw === undefined) return undefined;
  try {
    return raw.split(",").map((s) => parseKeyId(s.trim()));
  } catch {
    throw new Error(`--revoke takes key ids (decimal digits, no leading zeros) separated by commas; got "${raw.slice(0, 80)}".`);
  }
}

function minAgeMs(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_MIN_AGE_MS;
  if (!/^\d+(\.\d+)?$/.test(raw.trim())) throw new Error(`--min-age takes a number of minutes; got "${raw.slice(0, 40)}".`);
  return Number(raw) * 60000;
}

/** The account to list, from the options; what they leave out comes from the environment. */
function connectionFrom(tokenEnv: string | undefined, url: string | undefined, apiVersion: string | undefined): LinodeSettingsOverrides {
  const overrides: LinodeSettingsOverrides = { url, apiVersion };
  if (tokenEnv !== undefined) {
    const token = process.env[tokenEnv];
    if (!token) throw new Error(`--token-env ${tokenEnv}: the environment variable ${tokenEnv} is not set or empty.`);
    overrides.token = token;
  }
  return overrides;
}

/** Prints the untracked keys with the account's key usage beside them. */
function printList(untracked: readonly ApiKey[], usageLine: string, json: boolean): void {
  if (json) {
    console.log(JSON.stringify(untracked.map(({ id, label, access_key, limited }) => ({ id, label, access_key, limited }))));
    // Standard output stays the JSON list that scripts parse.
    console.error(usageLine);
    return;
  }
  console.log(usageLine);
  if (!untracked.length) {
    console.log("No key this package created is left untracked.");
    return;
  }
  console.log(`${untracked.length} key(s) created by this package are held by no given state:`);
  for (const k of untracked) console.log(`  ${k.id}\t${k.label}\t${k.access_key}\t${k.limited ? "limited" : "unlimited"}`);
  console.log("Revoke them with: linode-objkey untracked --revoke <id,...> (same --state arguments).");
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      state: { type: "string", multiple: true },
      "no-state": { type: "boolean" },
      "min-age": { type: "string" },
      revoke: { type: "string" },
      json: { type: "boolean" },
      url: { type: "string" },
      "api-version": { type: "string" },
      "token-env": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help || positionals[0] !== "untracked" || positionals.length !== 1) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const ids = revokeIds(values.revoke);
  const minAge = minAgeMs(values["min-age"]);
  if (values["no-state"] && values.state?.length) throw new Error("--no-state and --state exclude each other.");
  const connection = connectionFrom(values["token-env"], values.url, values["api-version"]);
  const files = values["no-state"] ? [] : values.state?.length ? values.state : ["-"];
  const exports = files.map((f) => JSON.parse(fs.readFileSync(f === "-" ? 0 : f, "utf8")) as unknown);
  const [{ keys: untracked, young }, usage] = await Promise.all([findUntrackedKeys(exports, minAge, connection), accountKeyUsage(connection)]);
  printList(untracked, keyUsageLine(usage), values.json === true);
  if (young && !values.json) console.log(`${young} key(s) carry a create label younger than --min-age: creates that may still be running; not listed.`);
  if (ids !== undefined) {
    const revoked = await revokeUntrackedKeys(ids, untracked, connection);
    console.log(`Revoked: ${revoked.join(", ") || "none (already gone)"}`);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`linode-objkey: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
