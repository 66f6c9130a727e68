/** Summaries of repeated measurements. */

/** min / median / max of a sample. */
export interface Spread {
  min: number;
  median: number;
  max: number;
}

/** The value at quantile `q` (0..1) of `xs`, by linear interpolation between closest ranks. */
export function quantile(xs: readonly number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/** min / median / max of `xs`. */
export function spread(xs: readonly number[]): Spread {
  return { min: Math.min(...xs), median: quantile(xs, 0.5), max: Math.max(...xs) };
}

/** `min / median / max` with `digits` decimals. */
export function fmtSpread(s: Spread | undefined, digits = 2): string {
  return s ? `${s.min.toFixed(digits)} / ${s.median.toFixed(digits)} / ${s.max.toFixed(digits)}` : "n/a";
}

/** `items` rotated left by `by`: the order of repetition `by`. */
export function rotate<T>(items: readonly T[], by: number): T[] {
  const k = ((by % items.length) + items.length) % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}
