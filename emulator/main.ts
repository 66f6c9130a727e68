/**
 * CLI entry: `node dist/emulator/main.js [--port N] [--token T]`.
 * The token defaults to $LINODE_TOKEN; without one a random token is generated and printed.
 */
import { startEmulator } from "./server";

function option(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name) return args[i + 1];
    if (args[i].startsWith(`${name}=`)) return args[i].slice(name.length + 1);
  }
  return undefined;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const portArg = option(args, "--port");
  const port = portArg === undefined ? 0 : Number(portArg);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port: ${portArg}`);
  const given = option(args, "--token") ?? (process.env.LINODE_TOKEN || undefined);
  const emulator = await startEmulator({ port, tokens: given ? [given] : undefined });
  console.log(`Linode API emulator listening on ${emulator.url}`);
  // Only a generated token is printed: a caller-supplied one is already known and may be real.
  if (!given) console.log(`Token: ${emulator.token}`);
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
