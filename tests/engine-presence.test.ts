/**
 * A provider process that outlives its engine (the engine killed with SIGKILL) must not give a
 * key its declared label: nobody would record it, and without its create marker no tool could
 * find it. It revokes the key instead.
 */
import { strict as assert } from "node:assert";
import * as net from "node:net";
import type { AddressInfo } from "node:net";
import { engineAddress, engineGone } from "../provider/engine-presence";
import type { KeyInputs } from "../provider/codecs";
import { rejection, shapes, withProvider } from "./helpers";

/** A port that was just free: nothing listens there. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe("engine presence", function () {
  it("reads the engine's address only in Pulumi's dynamic provider host", () => {
    assert.deepEqual(engineAddress(["node", "/x/node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js", "127.0.0.1:45657"]), {
      host: "127.0.0.1",
      port: 45657,
    });
    assert.deepEqual(engineAddress(["node", "/x/cmd/dynamic-provider", "[::1]:45657"]), { host: "::1", port: 45657 });
    assert.equal(engineAddress(["node", "/x/node_modules/.bin/mocha", "--config", ".mocharc.json"]), undefined);
  });

  it("counts an engine gone only when its address refuses connections", async () => {
    const server = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      assert.equal(await engineGone({ host: "127.0.0.1", port: (server.address() as AddressInfo).port }), false);
    } finally {
      server.close();
    }
    assert.equal(await engineGone({ host: "127.0.0.1", port: await closedPort() }), true);
    assert.equal(await engineGone(undefined), false);
  });

  describe("a create whose engine is gone", function () {
    const ctx = withProvider();
    const argv = process.argv;
    afterEach(() => (process.argv = argv));

    it("revokes its new key instead of labelling it, and leaves nothing", async () => {
      process.argv = ["node", "/x/@pulumi/pulumi/cmd/dynamic-provider/index.js", `127.0.0.1:${await closedPort()}`];
      const e = await rejection(() => ctx.p.create({ label: "engine-gone" } as KeyInputs));
      assert.match(e.message, /the Pulumi engine that asked for it has stopped/);
      assert.deepEqual(shapes(ctx.emu), ["POST /object-storage/keys", "DELETE /object-storage/keys/{id}"]);
      assert.equal(ctx.emu.keys().length, 0);
    });
  });
});
