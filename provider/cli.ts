#!/usr/bin/env node
/**
 * `linode-objkey`: the package's command line. One command today, `untracked`: lists the keys
 * that carry a label of the given stacks but that their state does not track (see untracked.ts),
 * and revokes the ones named with `--revoke`.
 *
 * @packageDocumentation
 */
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import type { ApiKey } from "./codecs";
import type { LinodeSettingsOverrides } from "./settings";
import { accountKeyUsage, findUntrackedKeys, keyUsageLine, revokeUntrackedKeys } from "./untracked";

const USAGE = `Usage: linode-objkey untracked [--state FILE]... [--revoke ID[,ID...]] [--json]

Lists the Object Storage keys that carry a label of your stacks but that no stack's state tracks:
keys left by a killed \`pulumi up\` or by a create that failed ambiguously, and how many of the
account's access keys are in use (Linode allows 100 per account unless asked for more).

  --state FILE   the output of \`pulumi stack export\` (repeat for every stack on the account that
                 uses these labels); without it, the export is read from standard input
  --revoke IDS   revoke these keys (comma-separated ids); each must be in the list printed
  --json         print the list as JSON (the account's key usage then goes to standard error)
  --url URL      the account's API root, as connection.url / linode:url (default: LINODE_URL, else
                 https://api.linode.com)
  --api-version V  as connection.apiVersion / linode:apiVersion (default: LINODE_API_VERSION, else v4)
  --token-env NAME read the token from environment variable NAME instead of LINODE_TOKEN (for a
                 key's connection: the token never goes on the command line)

The token and API root come from LINODE_TOKEN and LINODE_URL (and LINODE_API_VERSION) unless
the options above say otherwise. Run it once per account (a connection's keys live in theirs).
Example: pulumi stack export | npx linode-objkey untracked`;

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
    console.log("No untracked keys carry a label of these stacks.");
    return;
  }
  console.log(`${untracked.length} key(s) carry a label of these stacks but no state tracks them:`);
  for (const k of untracked) console.log(`  ${k.id}\t${k.label}\t${k.access_key}\t${k.limited ? "limited" : "unlimited"}`);
  console.log("Revoke the ones nobody uses with: linode-objkey untracked --revoke <id,...> (same --state arguments).");
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      state: { type: "string", multiple: true },
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
  // Checked before any request: a typo must not cost a listing of the account.
  const ids = values.revoke?.split(",").map((s) => Number(s.trim()));
  if (ids?.some((n) => !Number.isSafeInteger(n) || n <= 0)) throw new Error(`--revoke takes key ids separated by commas; got "${values.revoke}".`);
  const connection = connectionFrom(values["token-env"], values.url, values["api-version"]);
  const files = values.state?.length ? values.state : ["-"];
  const exports = files.map((f) => JSON.parse(fs.readFileSync(f === "-" ? 0 : f, "utf8")) as unknown);
  const [untracked, usage] = await Promise.all([findUntrackedKeys(exports, connection), accountKeyUsage(connection)]);
  printList(untracked, keyUsageLine(usage), values.json === true);
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
