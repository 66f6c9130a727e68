/**
 * Whether the Pulumi engine that asked for a create is still there to record it.
 *
 * A provider process outlives an engine killed with SIGKILL (an OOM kill, `kill -9`): it finishes
 * the creates under way and answers nobody, so a key it gave its declared label would be an
 * orphan that no create marker names. Pulumi starts a dynamic provider as
 * `node …/cmd/dynamic-provider <engine address>`, the engine's gRPC endpoint; a connection refused
 * there proves the engine gone. Outside that host (tests, other hosts), nothing can be proven and
 * the engine counts as present.
 *
 * @packageDocumentation
 */
import * as net from "node:net";

/** The engine's gRPC address when this process is Pulumi's dynamic provider host; else `undefined`. */
export function engineAddress(argv: readonly string[] = process.argv): { host: string; port: number } | undefined {
  const [, script, address] = argv;
  if (!script || !/dynamic-provider/.test(script) || !address) return undefined;
  const m = /^(.+):(\d{1,5})$/.exec(address);
  return m ? { host: m[1].replace(/^\[(.*)\]$/, "$1"), port: Number(m[2]) } : undefined;
}

/**
 * True only when the engine at `address` provably stopped: connecting is refused. A connection,
 * a timeout or any other error leaves it counted as present.
 */
export function engineGone(address = engineAddress(), timeoutMs = 2000): Promise<boolean> {
  if (!address) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = net.connect(address);
    const done = (gone: boolean) => {
      socket.destroy();
      resolve(gone);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(false));
    socket.once("error", (err: NodeJS.ErrnoException) => done(err.code === "ECONNREFUSED"));
  });
}
