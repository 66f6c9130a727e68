/**
 * Rotation through the provider against the emulator: create records the creation time from the
 * provider's clock (`LINODE_OBJKEY_NOW`), diff judges age at the clock's instant with no API call,
 * and updates that change only rotation inputs send nothing.
 */
import { strict as assert } from "node:assert";
import type { Emulator } from "../emulator/server";
import type { ObjectStorageKeyProvider } from "./provider-class";
import type { KeyInputs, KeyOutputs } from "../provider/codecs";
import { isObjectStorageKeyError } from "../provider/errors";
import { MARKER, calls, markedBody, rejection, shapes, withProvider } from "./helpers";

const NOW = "LINODE_OBJKEY_NOW";

describe("rotation: provider against the emulator", () => {
  let emu: Emulator;
  let p: ObjectStorageKeyProvider;
  const saved = process.env[NOW];

  const ctx = withProvider();
  beforeEach(() => ({ emu, p } = ctx));
  afterEach(() => {
    if (saved === undefined) delete process.env[NOW];
    else process.env[NOW] = saved;
  });

  /** Runs check and create at clock instant `at`; returns the id and outputs. */
  async function createdAt(at: string, inputs: Record<string, unknown>) {
    process.env[NOW] = at;
    const checked = await p.check({} as KeyInputs, inputs as unknown as KeyInputs);
    assert.equal(checked.failures, undefined);
    const r = await p.create(checked.inputs!);
    return { id: r.id, outs: r.outs! };
  }

  it("create records created_at from the provider's clock and rotation_due_at from rotation_days", async () => {
    const { outs } = await createdAt("2026-03-01T12:30:45.789Z", { label: "rotating", rotation_days: 90, rotation_trigger: "v1" });
    assert.deepEqual(shapes(emu), ["POST /object-storage/keys", "PUT /object-storage/keys/{id}"], "the rotation inputs cost no request");
    assert.deepEqual(markedBody(emu.requests[0].body), { label: MARKER }, "the rotation inputs never reach the API");
    assert.deepEqual(emu.requests[1].body, { label: "rotating" });
    assert.equal(outs.created_at, "2026-03-01T12:30:45Z");
    assert.equal(outs.rotation_due_at, "2026-05-30T12:30:45Z");
    assert.equal(outs.rotation_days, 90);
    assert.equal(outs.rotation_trigger, "v1");
  });

  it("create uses the system clock when LINODE_OBJKEY_NOW is not set", async () => {
    delete process.env[NOW];
    const before = Math.floor(Date.now() / 1000) * 1000;
    const r = await p.create({ label: "system-clock", rotation_days: 1 } as KeyInputs);
    const after = Date.now();
    const created = Date.parse(r.outs!.created_at!);
    assert.ok(created >= before && created <= after, `${r.outs!.created_at} is between the calls`);
    assert.match(r.outs!.created_at!, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.equal(Date.parse(r.outs!.rotation_due_at!), created + 86400000);
  });

  it("a malformed LINODE_OBJKEY_NOW fails create and diff before any request, naming the variable", async () => {
    process.env[NOW] = "next tuesday";
    const err = await rejection(() => p.create({ label: "bad-clock" } as KeyInputs));
    assert.ok(isObjectStorageKeyError(err, "settings"));
    assert.match(
      err.message,
      /LINODE_OBJKEY_NOW is "next tuesday", which is not an ISO 8601 instant of a real date: set it like 2026-01-31T00:00:00Z, or unset it/,
    );
    assert.equal(emu.requests.length, 0);
    await assert.rejects(() => p.diff("1", { label: "x" } as KeyOutputs, { label: "x" }), /LINODE_OBJKEY_NOW/);
  });

  for (const [raw, why] of [
    ["2026-02-30T00:00:00Z", "which is not an ISO 8601 instant of a real date"],
    ["2026-04-31T00:00:00Z", "which is not an ISO 8601 instant of a real date"],
    ["2026-01-01T24:00:00Z", "which is not an ISO 8601 instant of a real date"],
    ["9999-01-01T00:00:00Z", "which is past 9989-12-31T23:59:59Z"],
  ]) {
    it(`LINODE_OBJKEY_NOW=${raw} is refused before any request (${why.slice(9)})`, async () => {
      process.env[NOW] = raw;
      const err = await rejection(() => p.create({ label: "bad-clock", rotation_days: 3650 } as KeyInputs));
      assert.ok(isObjectStorageKeyError(err, "settings"), err.message);
      assert.ok(err.message.startsWith(`LINODE_OBJKEY_NOW is "${raw}", ${why}`), err.message);
      assert.equal(emu.requests.length, 0);
    });
  }

  it("the latest clock allowed still writes rotation_due_at 3650 days later in the documented form", async () => {
    const { outs } = await createdAt("9989-12-31T23:59:59Z", { label: "far-future", rotation_days: 3650 });
    assert.match(outs.rotation_due_at!, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  it("diff at a later clock: not due before created_at + rotation_days, due from then on, with no API call", async () => {
    const { outs } = await createdAt("2026-01-01T00:00:00Z", { label: "aging", rotation_days: 30 });
    emu.clearRequests();
    const news = { label: "aging", rotation_days: 30 } as KeyInputs;
    process.env[NOW] = "2026-01-30T23:59:59Z";
    assert.deepEqual(await p.diff("1", outs, news), { changes: false, replaces: [], deleteBeforeReplace: false });
    process.env[NOW] = "2026-01-31T00:00:00Z";
    assert.deepEqual(await p.diff("1", outs, news), {
      changes: true,
      replaces: ["rotation_days (created 2026-01-01T00:00:00Z, due 2026-01-31T00:00:00Z)"],
      deleteBeforeReplace: false,
    });
    process.env[NOW] = "2026-06-01T00:00:00+02:00";
    assert.equal((await p.diff("1", outs, news)).changes, true);
    assert.equal(emu.requests.length, 0);
  });

  it("an update of the rotation inputs alone sends no request, keeps created_at and the secret, and recomputes rotation_due_at", async () => {
    const { id, outs } = await createdAt("2026-01-01T00:00:00Z", { label: "period", rotation_days: 30, rotation_trigger: "v1" });
    process.env[NOW] = "2026-01-20T00:00:00Z";
    const news = { label: "period", rotation_days: 60, rotation_trigger: "v1" } as KeyInputs;
    assert.deepEqual(await p.diff(id, outs, news), { changes: true, replaces: [], deleteBeforeReplace: false });
    emu.clearRequests();
    const r = await p.update(id, outs, news);
    assert.equal(emu.requests.length, 0);
    assert.deepEqual(r.outs, { ...outs, rotation_days: 60, rotation_due_at: "2026-03-02T00:00:00Z" });

    const off = await p.update(id, r.outs!, { label: "period", rotation_trigger: "v1" } as KeyInputs);
    assert.equal(emu.requests.length, 0);
    assert.equal(off.outs!.created_at, "2026-01-01T00:00:00Z");
    assert.equal("rotation_due_at" in off.outs!, false, "no period, no due date");
    assert.equal("rotation_days" in off.outs!, false);
  });

  it("an update with a label change sends only the label and keeps the rotation outputs", async () => {
    const { id, outs } = await createdAt("2026-01-01T00:00:00Z", { label: "relabel", rotation_days: 30 });
    emu.clearRequests();
    const r = await p.update(id, outs, { label: "relabel-2", rotation_days: 45 } as KeyInputs);
    assert.deepEqual(calls(emu), [`PUT /object-storage/keys/${id}`]);
    assert.deepEqual(emu.requests[0].body, { label: "relabel-2" });
    assert.equal(r.outs!.created_at, "2026-01-01T00:00:00Z");
    assert.equal(r.outs!.rotation_due_at, "2026-02-15T00:00:00Z");
    assert.equal(r.outs!.secret_key, outs.secret_key);
  });

  it("read (refresh) keeps created_at and the rotation fields, which the API does not have", async () => {
    const { id, outs } = await createdAt("2026-01-01T00:00:00Z", { label: "refresh-me", rotation_days: 7, rotation_trigger: "t" });
    const r = await p.read(id, outs);
    assert.deepEqual(r.props, outs);
  });

  it("a key made before rotation existed is never due by age, gets no invented created_at, and is rotated by a trigger", async () => {
    const { id, outs } = await createdAt("2026-01-01T00:00:00Z", { label: "old-key" });
    const { created_at: _c, ...legacy } = outs;
    process.env[NOW] = "2036-01-01T00:00:00Z";
    const withPeriod = { label: "old-key", rotation_days: 1 } as KeyInputs;
    assert.deepEqual(await p.diff(id, legacy as KeyOutputs, withPeriod), { changes: true, replaces: [], deleteBeforeReplace: false });
    emu.clearRequests();
    const r = await p.update(id, legacy as KeyOutputs, withPeriod);
    assert.equal(emu.requests.length, 0);
    assert.equal(r.outs!.rotation_days, 1);
    assert.equal("created_at" in r.outs!, false);
    assert.equal("rotation_due_at" in r.outs!, false);
    assert.equal((await p.diff(id, r.outs!, withPeriod)).changes, false, "still not due: its age is unknown");
    assert.deepEqual((await p.diff(id, r.outs!, { ...withPeriod, rotation_trigger: "now" } as KeyInputs)).replaces, ["rotation_trigger"]);
  });

  it("check refuses bad rotation inputs, naming each property, with no request", async () => {
    const r = await p.check({} as KeyInputs, { label: "abc", rotation_days: 0, rotation_trigger: "x".repeat(257) } as unknown as KeyInputs);
    assert.deepEqual(r.failures, [
      { property: "rotation_days", reason: "must be a whole number of days from 1 to 3650, not 0" },
      { property: "rotation_trigger", reason: "must be at most 256 characters long; it has 257" },
    ]);
    assert.equal(emu.requests.length, 0);
  });
});
