/**
 * Issue 18, several accounts in one program, through the real engine: two emulators stand for two
 * Linode accounts (stack default A; B through `connection`). Every verb goes to the key's own
 * account with its own token, token rotation changes no key, a token or URL of the wrong account
 * changes nothing, and tokens appear only as ciphertext.
 */
import { strict as assert } from "node:assert";
import type * as automation from "@pulumi/pulumi/automation";
import { Emulator, RecordedRequest, startEmulator } from "../../emulator/server";
import { createSandbox, inlineStack, Sandbox } from "../../tools/sandbox";
import { changes, filesUnder } from "./harness";

const TOKEN_A = "account-a-token-0123456789abcdef";
const TOKEN_B1 = "account-b-first-token-0123456789";
const TOKEN_B2 = "account-b-rotated-token-98765432";
const QUICK = { "linode-objkey:timeoutMs": "2000", "linode:minRetryDelayMs": "10", "linode:maxRetryDelayMs": "100" };

/** What the program declares; the steps edit it. */
interface Plan {
  bLabel: string;
  bAccess?: { bucket_name: string; permissions: "read_only" | "read_write"; region: string }[];
  bToken: string;
  bUrl: string;
  plainToken?: boolean;
}

/** What an up changed in the keys it manages (the key read with `get` is read at every up). */
const keyChanges = (summary: automation.UpdateSummary) => {
  const { read: _read, ...rest } = changes(summary);
  return rest;
};
const keyIdsIn = (requests: readonly RecordedRequest[]) => requests.map((r) => /\/keys\/(\d+)$/.exec(r.path)?.[1]).filter((x): x is string => x !== undefined);
const writes = (emu: Emulator) => emu.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path.replace(/^\/v4/, "")}`);

describe("engine: several accounts in one program (issue 18)", function () {
  let emuA: Emulator;
  let emuB: Emulator;
  let sb: Sandbox;
  let stack: automation.Stack;
  let plan: Plan;
  let external: number;
  const printed: string[] = [];
  const events: string[] = [];
  /** Every id a stack key of each account ever had. */
  const ids = { a: new Set<string>(), b: new Set<string>() };

  const run = <T extends object>(o: T) => ({
    ...o,
    color: "never" as const,
    onOutput: (s: string) => void printed.push(s),
    onEvent: (e: automation.EngineEvent) => void events.push(JSON.stringify(e)),
  });
  const outputs = async () => {
    const o = await stack.outputs();
    ids.a.add(String(o.aId.value));
    ids.b.add(String(o.bId.value));
    return { a: String(o.aId.value), b: String(o.bId.value) };
  };
  const attempt = async (op: () => Promise<unknown>) => {
    const start = printed.length;
    try {
      await op();
      return { ok: true, out: printed.slice(start).join("") };
    } catch (e) {
      return { ok: false, out: printed.slice(start).join("") + String((e as Error).message) };
    }
  };
  /** Every request each account saw, but those of step 8, which sends A's token on purpose. */
  const history = { a: [] as RecordedRequest[], b: [] as RecordedRequest[] };
  const clear = (keep = true) => {
    if (keep) history.a.push(...emuA.requests);
    if (keep) history.b.push(...emuB.requests);
    emuA.clearRequests();
    emuB.clearRequests();
  };

  before(async () => {
    emuA = await startEmulator({ tokens: [TOKEN_A] });
    // Key ids are unique across Linode: the second account's start elsewhere.
    emuB = await startEmulator({ tokens: [TOKEN_B1, TOKEN_B2], firstId: 50000 });
    external = emuB.createDirect({ label: "made-in-b" }).id;
    plan = { bLabel: "b-key", bToken: TOKEN_B1, bUrl: emuB.url };
    sb = await createSandbox({ projectName: "objkey-accounts", prefix: "objkey-accounts-", ownTmpDir: true });
    const program = async () => {
      const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
      const { ObjectStorageKey } = require("../../provider") as typeof import("../../provider");
      const bAccount = { token: plan.plainToken ? plan.bToken : pulumi.secret(plan.bToken), url: plan.bUrl };
      const a = new ObjectStorageKey("a", { label: "a-key" });
      const b = new ObjectStorageKey("b", { label: plan.bLabel, bucket_access: plan.bAccess, connection: bAccount });
      const g = ObjectStorageKey.get("g", String(external), undefined, { token: pulumi.secret(TOKEN_B1), url: emuB.url });
      return { aId: a.id, bId: b.id, bSecret: b.secret_key, gLabel: g.label };
    };
    stack = await inlineStack(sb, "accounts", "objkey-accounts", program, {
      "linode:token": { value: TOKEN_A, secret: true },
      "linode:url": { value: emuA.url },
      ...Object.fromEntries(Object.entries(QUICK).map(([k, v]) => [k, { value: v }])),
    });
  });

  after(async () => {
    sb?.cleanup();
    await emuA?.close();
    await emuB?.close();
  });

  it("1. a plain connection.token is refused at preview, naming pulumi.secret, before any request and without echoing it", async () => {
    plan.plainToken = true;
    const r = await attempt(() => stack.preview(run({})));
    plan.plainToken = false;
    assert.equal(r.ok, false);
    assert.match(r.out, /connection\.token of ObjectStorageKey "b" is not a Pulumi secret/);
    assert.match(r.out, /pulumi\.secret/);
    assert.ok(!r.out.includes(TOKEN_B1), "the token is not echoed");
    assert.deepEqual([emuA.requests.length, emuB.requests.length], [0, 0], "no request sent");
  });

  it("2. up: each key is made in its own account with its own token; get reads with its connection", async () => {
    const up = await stack.up(run({}));
    assert.deepEqual(changes(up.summary), { create: 3 }, "the engine counts the first read of g as a create");
    const { a, b } = await outputs();
    assert.deepEqual(
      emuA.keys().map((k) => String(k.id)),
      [a],
    );
    assert.deepEqual(
      emuB
        .keys()
        .map((k) => String(k.id))
        .sort(),
      [b, String(external)].sort(),
    );
    assert.equal(up.outputs.gLabel.value, "made-in-b");
    assert.ok(emuB.requests.some((r) => r.method === "GET" && r.path.endsWith(`/keys/${external}`)));
  });

  it("3. a no-op up changes nothing and sends nothing", async () => {
    clear();
    const up = await stack.up(run({}));
    assert.deepEqual(keyChanges(up.summary), {});
    assert.deepEqual([...writes(emuA), ...writes(emuB)], []);
  });

  it("4. refresh reads each key in its own account (B's from the connection stored with it, not the stack's token)", async () => {
    clear();
    const r = await stack.refresh(run({}));
    // Only a key read with get may show a change: it has no secret, which diff reports (as before this issue).
    assert.doesNotMatch(r.stdout, /ObjectStorageKey (a|b) updated/);
    const { a, b } = await outputs();
    assert.deepEqual(keyIdsIn(emuA.requests), [a]);
    assert.deepEqual(keyIdsIn(emuB.requests).sort(), [b, String(external)].sort());
    assert.ok(
      emuB.requests.every((r) => r.tokenIndex === 0),
      "B's key is read with B's token",
    );
  });

  it("5. a label update goes to B with B's token", async () => {
    clear();
    plan.bLabel = "b-key-renamed";
    const up = await stack.up(run({}));
    assert.deepEqual(keyChanges(up.summary), { update: 1 });
    const { b } = await outputs();
    assert.deepEqual(writes(emuB), [`PUT /object-storage/keys/${b}`]);
    assert.deepEqual(writes(emuA), []);
  });

  it("6. a replace makes the new key in B and revokes the old one in B", async () => {
    const before = (await outputs()).b;
    clear();
    plan.bAccess = [{ bucket_name: "logs", permissions: "read_only", region: "us-east" }];
    const up = await stack.up(run({}));
    assert.deepEqual(keyChanges(up.summary), { replace: 1 });
    const { b } = await outputs();
    assert.notEqual(b, before);
    assert.deepEqual(writes(emuB), ["POST /object-storage/keys", `PUT /object-storage/keys/${b}`, `DELETE /object-storage/keys/${before}`]);
    assert.deepEqual(writes(emuA), []);
  });

  it("7. token rotation to another token of B changes no key: one GET with the new token, then it is recorded", async () => {
    const { b } = await outputs();
    clear();
    plan.bToken = TOKEN_B2;
    const up = await stack.up(run({}));
    assert.deepEqual(keyChanges(up.summary), { update: 1 });
    assert.deepEqual(
      emuB.requests.filter((r) => !r.path.endsWith(`/keys/${external}`)).map((r) => `${r.method} ${r.path.replace(/^\/v4/, "")} token#${r.tokenIndex}`),
      [`GET /object-storage/keys/${b} token#1`],
    );
    assert.deepEqual(writes(emuA), []);
    assert.equal((await outputs()).b, b, "same key");
    clear();
    await stack.refresh(run({}));
    assert.ok(
      emuB.requests.filter((r) => r.path.endsWith(`/keys/${b}`)).every((r) => r.tokenIndex === 1),
      "the rotated token is the one recorded",
    );
  });

  it("8. the wrong account (A's token and URL, or A's token at B's URL) fails naming the key; nothing revoked or recreated; state unchanged", async () => {
    const { b } = await outputs();
    for (const [token, url] of [
      [TOKEN_A, emuA.url],
      [TOKEN_A, emuB.url],
    ]) {
      clear();
      plan.bToken = token;
      plan.bUrl = url;
      const r = await attempt(() => stack.up(run({})));
      assert.equal(r.ok, false);
      assert.match(r.out, new RegExp(`Key ${b} is not visible with the new connection settings`));
      assert.match(r.out, /Nothing was revoked or recreated, and the state still points at key/);
      assert.ok(!r.out.includes(TOKEN_A), "no token echoed");
      assert.deepEqual([...writes(emuA), ...writes(emuB)], [], "nothing written in either account");
      assert.ok(emuB.keys().some((k) => String(k.id) === b));
      clear(false);
    }
    plan.bToken = TOKEN_B2;
    plan.bUrl = emuB.url;
    clear();
    const back = await stack.up(run({}));
    assert.deepEqual(keyChanges(back.summary), {}, "the state still holds B's rotated token: restoring it changes nothing");
    assert.equal((await outputs()).b, b);
  });

  it("9. destroy revokes each key in its own account with its own (rotated) token; the key read with get stays", async () => {
    const { a, b } = await outputs();
    clear();
    await stack.destroy(run({}));
    assert.deepEqual(
      emuA.requests.filter((r) => r.method === "DELETE").map((r) => `${r.path.replace(/^\/v4/, "")} token#${r.tokenIndex}`),
      [`/object-storage/keys/${a} token#0`],
    );
    assert.deepEqual(
      emuB.requests.filter((r) => r.method === "DELETE").map((r) => `${r.path.replace(/^\/v4/, "")} token#${r.tokenIndex}`),
      [`/object-storage/keys/${b} token#1`],
    );
    assert.deepEqual(emuA.keys(), []);
    assert.deepEqual(
      emuB.keys().map((k) => k.id),
      [external],
    );
  });

  it("10. each emulator's request log shows only its own keys and its own tokens", () => {
    clear();
    const own = { a: ids.a, b: new Set([...ids.b, String(external)]) };
    for (const [name, other] of [
      ["a", "b"],
      ["b", "a"],
    ] as const) {
      const log = history[name];
      assert.ok(log.length > 3, `account ${name} saw requests`);
      for (const id of keyIdsIn(log)) assert.ok(own[name].has(id) && !own[other].has(id), `account ${name} saw only its own keys: ${id}`);
      assert.deepEqual(
        log.filter((r) => !r.authorized).map((r) => `${r.method} ${r.path}`),
        [],
        `account ${name} saw only its own tokens`,
      );
    }
    assert.ok(history.b.some((r) => r.tokenIndex === 1) && history.b.some((r) => r.tokenIndex === 0));
  });

  it("11. the tokens appear nowhere in clear: state, backups, history, temp files, CLI output, engine events (debug included), request logs", () => {
    const needles = [TOKEN_A, TOKEN_B1, TOKEN_B2];
    const sources = [
      ...filesUnder(sb.dir).map((f) => ({ name: f.file, text: f.bytes.toString("latin1") })),
      { name: "CLI output", text: printed.join("") },
      { name: "engine events", text: events.join("\n") },
      { name: "request log A", text: JSON.stringify(history.a) },
      { name: "request log B", text: JSON.stringify(history.b) },
    ];
    assert.ok(
      events.some((e) => e.includes('"severity":"debug"')),
      "debug events were recorded",
    );
    const hits = sources.flatMap((s) => needles.filter((n) => s.text.includes(n)).map((n) => `${s.name}: token #${needles.indexOf(n)}`));
    assert.deepEqual(hits, []);
  });
});
