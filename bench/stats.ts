// Percentiles of measured samples. Nearest-rank, so every figure printed is a value that was measured.

export interface Summary {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) return { n: 0, p50: NaN, p99: NaN, max: NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  return { n: sorted.length, p50: rank(50), p99: rank(99), max: sorted[sorted.length - 1]! };
}

export function median(samples: readonly number[]): number {
  return summarize(samples).p50;
}
