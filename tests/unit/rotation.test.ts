/**
 * Rotation rules with an injected clock: `check` of rotation_days and rotation_trigger, when a key
 * is due (before, at and after the boundary), what a trigger or period change does, and keys made
 * before rotation existed.
 */
import { strict as assert } from "node:assert";
import { diffKey, updateBody } from "../../provider/diff";
import { toOutputs } from "../../provider/outputs";
import { UNKNOWN } from "../../provider/unknowns";
import { validateInputs } from "../../provider/validation";
import { codecs } from "../../provider/codecs";
import { dueNotice } from "../../provider/rotation";
import type { ApiKey, KeyInputs, KeyOutputs } from "../../provider/codecs";

const CREATED = "2026-01-01T00:00:00Z";
const T0 = Date.parse(CREATED);
const DAY = 86400000;
const DUE_30 = "rotation_days (created 2026-01-01T00:00:00Z, due 2026-01-31T00:00:00Z)";

// The id is an io-ts Int (branded): decode it rather than cast.
const apiKey: ApiKey = decoded({
  id: 7,
  label: "rotating-key",
  access_key: "AKAKAKAKAKAKAKAKAKAK",
  secret_key: "fresh-secret-value",
  limited: false,
  bucket_access: null,
  regions: [{ id: "us-ord", s3_endpoint: "us-ord-1.linodeobjects.com", endpoint_type: "E1" }],
});

function decoded(raw: unknown): ApiKey {
  const r = codecs().ApiKey.decode(raw);
  if (r._tag === "Left") throw new Error("test key does not decode");
  return r.right;
}

/** A key's stored outputs as create makes them, created at `CREATED` with these rotation inputs. */
const stored = (rotation: { rotation_days?: number; rotation_trigger?: string }): KeyOutputs =>
  toOutputs(apiKey, undefined, { created_at: CREATED, ...rotation });
/** A key made before rotation existed: no rotation fields at all. */
const legacy = (): KeyOutputs => toOutputs(apiKey);
/** Inputs as the engine hands them to diff: after check, which must accept them. */
function checked(news: Record<string, unknown>): Record<string, unknown> {
  const { inputs, failures } = validateInputs({ label: "rotating-key", ...news });
  assert.deepEqual(failures, []);
  return inputs;
}
const diffAt = (olds: KeyOutputs, news: Record<string, unknown>, now: number) => diffKey(olds as unknown as Record<string, unknown>, checked(news), now);

describe("rules: rotation", () => {
  describe("check", () => {
    it("accepts whole days from 1 to 3650 and a trigger of up to 256 characters, and keeps them", () => {
      for (const days of [1, 30, 3650]) {
        assert.deepEqual(validateInputs({ label: "abc", rotation_days: days }), { inputs: { label: "abc", rotation_days: days }, failures: [] });
      }
      const trigger = "é".repeat(256);
      assert.deepEqual(validateInputs({ label: "abc", rotation_trigger: trigger }), { inputs: { label: "abc", rotation_trigger: trigger }, failures: [] });
      assert.deepEqual(validateInputs({ label: "abc", rotation_trigger: "" }).inputs, { label: "abc", rotation_trigger: "" });
      assert.deepEqual(validateInputs({ label: "abc", rotation_days: UNKNOWN, rotation_trigger: UNKNOWN }).failures, []);
    });

    it("refuses a period that is not a whole number of days from 1 to 3650, naming rotation_days and the value", () => {
      for (const [days, shown] of [
        [0, "0"],
        [1.5, "1.5"],
        [-1, "-1"],
        [3651, "3651"],
        ["7", "a string"],
        [Number.NaN, "NaN"],
        [true, "a boolean"],
      ] as const) {
        const { failures } = validateInputs({ label: "abc", rotation_days: days });
        assert.equal(failures.length, 1, `one failure for ${String(days)}`);
        assert.equal(failures[0].property, "rotation_days");
        assert.equal(failures[0].reason, `must be a whole number of days from 1 to 3650, not ${shown}`);
      }
    });

    it("refuses a trigger that is not a string or is longer than 256 characters, naming rotation_trigger", () => {
      const long = validateInputs({ label: "abc", rotation_trigger: "x".repeat(257) }).failures;
      assert.deepEqual(long, [{ property: "rotation_trigger", reason: "must be at most 256 characters long; it has 257" }]);
      const num = validateInputs({ label: "abc", rotation_trigger: 5 }).failures;
      assert.deepEqual(num, [{ property: "rotation_trigger", reason: "must be a string, not 5" }]);
    });

    it("says created_at and rotation_due_at are outputs the provider sets", () => {
      for (const key of ["created_at", "rotation_due_at"]) {
        const [f] = validateInputs({ label: "abc", [key]: CREATED }).failures;
        assert.equal(f.property, key);
        assert.match(f.reason, /output that the provider sets/);
      }
    });
  });

  describe("outputs", () => {
    it("show when the key was created and when it is due, and nothing about a due date without a period", () => {
      const o = stored({ rotation_days: 30, rotation_trigger: "v1" });
      assert.equal(o.created_at, CREATED);
      assert.equal(o.rotation_due_at, "2026-01-31T00:00:00Z");
      assert.equal(o.rotation_days, 30);
      assert.equal(o.rotation_trigger, "v1");
      const plain = stored({});
      assert.equal(plain.created_at, CREATED);
      assert.equal("rotation_due_at" in plain, false);
    });
  });

  describe("diff by age", () => {
    it("is not due a millisecond before created_at + rotation_days, and due at exactly that instant; the reason names the period, the creation and the due date", () => {
      assert.deepEqual(diffAt(stored({ rotation_days: 30 }), { rotation_days: 30 }, T0 + 30 * DAY - 1), { changes: false, replaces: [], updates: [] });
      assert.deepEqual(diffAt(stored({ rotation_days: 30 }), { rotation_days: 30 }, T0 + 30 * DAY), { changes: true, replaces: [DUE_30], updates: [] });
    });

    it("is due any time later", () => {
      assert.deepEqual(diffAt(stored({ rotation_days: 30 }), { rotation_days: 30 }, T0 + 400 * DAY).replaces, [DUE_30]);
    });

    it("is never due without rotation_days, nor without a clock", () => {
      assert.deepEqual(diffAt(stored({}), {}, T0 + 4000 * DAY), { changes: false, replaces: [], updates: [] });
      const o = stored({ rotation_days: 1 });
      assert.deepEqual(diffKey(o as unknown as Record<string, unknown>, checked({ rotation_days: 1 })), { changes: false, replaces: [], updates: [] });
    });
  });

  describe("diff of the period alone", () => {
    it("a longer period on a key not yet due updates in place, and the update sends no request", () => {
      const olds = stored({ rotation_days: 30 });
      assert.deepEqual(diffAt(olds, { rotation_days: 60 }, T0 + 40 * DAY), { changes: true, replaces: [], updates: ["rotation_days"] });
      assert.equal(updateBody(olds, { label: "rotating-key", rotation_days: 60 } as KeyInputs), undefined);
    });

    it("setting or removing a period on a key not due updates in place", () => {
      assert.deepEqual(diffAt(stored({}), { rotation_days: 90 }, T0 + DAY), { changes: true, replaces: [], updates: ["rotation_days"] });
      assert.deepEqual(diffAt(stored({ rotation_days: 90 }), {}, T0 + DAY), { changes: true, replaces: [], updates: ["rotation_days"] });
    });

    it("a shorter period that the key is already older than replaces it", () => {
      assert.deepEqual(diffAt(stored({ rotation_days: 30 }), { rotation_days: 10 }, T0 + 15 * DAY).replaces, [
        "rotation_days (created 2026-01-01T00:00:00Z, due 2026-01-11T00:00:00Z)",
      ]);
    });

    it("an unknown period (preview) is an update, decided at up", () => {
      assert.deepEqual(diffAt(stored({ rotation_days: 30 }), { rotation_days: UNKNOWN }, T0 + DAY), {
        changes: true,
        replaces: [],
        updates: ["rotation_days"],
      });
    });
  });

  describe("diff of the trigger", () => {
    it("a changed trigger replaces the key", () => {
      assert.deepEqual(diffAt(stored({ rotation_trigger: "v1" }), { rotation_trigger: "v2" }, T0 + DAY), {
        changes: true,
        replaces: ["rotation_trigger"],
        updates: [],
      });
    });

    it("an unchanged trigger changes nothing", () => {
      assert.deepEqual(diffAt(stored({ rotation_trigger: "v1", rotation_days: 30 }), { rotation_trigger: "v1", rotation_days: 30 }, T0 + DAY), {
        changes: false,
        replaces: [],
        updates: [],
      });
    });

    it("a first trigger on a key that had none replaces it; removing the trigger only updates", () => {
      assert.deepEqual(diffAt(stored({}), { rotation_trigger: "v1" }, T0 + DAY).replaces, ["rotation_trigger"]);
      assert.deepEqual(diffAt(stored({ rotation_trigger: "v1" }), {}, T0 + DAY), { changes: true, replaces: [], updates: ["rotation_trigger"] });
    });

    it("an unknown trigger (preview) is a replacement", () => {
      assert.deepEqual(diffAt(stored({ rotation_trigger: "v1" }), { rotation_trigger: UNKNOWN }, T0 + DAY).replaces, ["rotation_trigger"]);
    });

    it("a trigger change and a due period both show in the reasons", () => {
      assert.deepEqual(diffAt(stored({ rotation_days: 30, rotation_trigger: "v1" }), { rotation_days: 30, rotation_trigger: "v2" }, T0 + 31 * DAY).replaces, [
        "rotation_trigger",
        DUE_30,
      ]);
    });
  });

  describe("the notice a due key prints", () => {
    it("names the key by label and access key id, with the reason; nothing when the key is not due by age", () => {
      const olds = stored({ rotation_days: 30 }) as unknown as Record<string, unknown>;
      assert.equal(
        dueNotice(olds, ["rotation_trigger", DUE_30]),
        `Object Storage key "rotating-key" (access key AKAKAKAKAKAKAKAKAKAK) is due for rotation: ${DUE_30}; pulumi up replaces it, creating the new key before revoking this one.`,
      );
      assert.equal(dueNotice(olds, ["rotation_trigger", "bucket_access"]), undefined);
      assert.ok(!String(dueNotice(olds, [DUE_30])).includes("fresh-secret-value"), "never the secret");
    });
  });

  describe("keys made before rotation existed (no created_at)", () => {
    it("are never due by age: adding a period updates in place, whatever the clock", () => {
      assert.deepEqual(diffAt(legacy(), { rotation_days: 1 }, T0 + 4000 * DAY), { changes: true, replaces: [], updates: ["rotation_days"] });
      const withPeriod = toOutputs(apiKey, undefined, { rotation_days: 1 });
      assert.equal("created_at" in withPeriod, false);
      assert.equal("rotation_due_at" in withPeriod, false);
      assert.deepEqual(diffAt(withPeriod, { rotation_days: 1 }, T0 + 4000 * DAY), { changes: false, replaces: [], updates: [] });
    });

    it("are rotated by setting rotation_trigger", () => {
      assert.deepEqual(diffAt(legacy(), { rotation_days: 30, rotation_trigger: "rotate-legacy" }, T0).replaces, ["rotation_trigger"]);
    });
  });
});
