/**
 * The order of lists in the emulator's answers. Live guarantees none: one account listed us-ord's
 * E3 endpoint before its E1, a 2024 answer listed the bucket's region before the requested one, and
 * two endpoint listings 38 s apart gave the same 25 entries in different orders. So, unless told to
 * sort, the emulator permutes `regions[]` (and `bucket_access` on reads, see store.ts) in every
 * answer, differently each time but reproducibly: the permutation depends only on the seed, the
 * key id and how many answers that key has had, never on timing or on other keys' traffic.
 */

/** `null` answers in canonical order (regions sorted, bucket_access in request order). */
export type OrderSeed = number | null;

/** The seed used when none is given: tests vary the order by default, the same way on every run. */
export const DEFAULT_ORDER_SEED = 1;

/** Environment variable holding the seed (an integer, or `sorted` for canonical order). */
export const ORDER_SEED_ENV = "LINODE_EMULATOR_ORDER_SEED";

/** Parses a seed as the CLI and the environment give it: an integer 0..2^32-1, or `sorted`. */
export function parseOrderSeed(text: string): OrderSeed {
  const t = text.trim();
  if (t === "sorted") return null;
  if (/^\d{1,10}$/.test(t) && Number(t) <= 0xffffffff) return Number(t);
  throw new Error(`order seed must be an integer from 0 to 4294967295, or "sorted", not ${JSON.stringify(text)}`);
}

/** The seed from {@link ORDER_SEED_ENV} when set, else {@link DEFAULT_ORDER_SEED}. */
export function orderSeedFromEnv(env: NodeJS.ProcessEnv = process.env): OrderSeed {
  const v = env[ORDER_SEED_ENV];
  return v === undefined || v.trim() === "" ? DEFAULT_ORDER_SEED : parseOrderSeed(v);
}

function mix(h: number, v: number): number {
  h = Math.imul(h ^ v, 0x9e3779b1);
  return (h ^ (h >>> 15)) >>> 0;
}

/** mulberry32: a small, well-known 32-bit PRNG; plenty for shuffling a few entries (and for the tests' chaos proxy). */
export function prng(state: number): () => number {
  let a = state >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A permutation of `list` for one answer: the same `(seed, parts)` always gives the same order;
 * `seed` null returns the list as it is.
 */
export function permute<T>(seed: OrderSeed, parts: readonly number[], list: readonly T[]): T[] {
  const out = [...list];
  if (seed === null || out.length < 2) return out;
  const next = prng(parts.reduce(mix, mix(0x811c9dc5, seed)));
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
