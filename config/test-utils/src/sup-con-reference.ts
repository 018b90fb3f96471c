// Shared by @contrastive/losses' SupCon tests and @contrastive/native's fused SupCon tests.

export interface SupConRefOptions {
  labels?: ArrayLike<number>;
  mask?: ArrayLike<number>;
  temperature?: number;
  baseTemperature?: number;
  contrastMode?: 'all' | 'one';
  variant?: 'out' | 'in';
  normalize?: boolean;
}

/**
 * Float64 line-by-line port of HobbitLong/SupContrast `losses.py` SupConLoss.forward (HEAD, with
 * the PR #142 no-positive fix), plus Eq. 3 of Khosla et al. for variant 'in' and F.normalize for
 * normalize: true. `x` is [B, V, D] row-major.
 */
export function supConReference(x: ArrayLike<number>, [B, V, D]: [number, number, number], o: SupConRefOptions = {}): number {
  const tau = o.temperature ?? 0.07;
  const baseTau = o.baseTemperature ?? tau;
  const feat = (i: number, v: number) => {
    const row = Array.from({ length: D }, (_, d) => x[(i * V + v) * D + d]!);
    if (o.normalize === false) return row;
    const n = Math.max(Math.hypot(...row), 1e-12);
    return row.map((r) => r / n);
  };
  // mask [B, B]
  const mask = (i: number, j: number) => {
    if (o.mask) return o.mask[i * B + j]!;
    if (o.labels) return o.labels[i] === o.labels[j] ? 1 : 0;
    return i === j ? 1 : 0;
  };
  // contrast_feature = cat(unbind(features, 1)): row v·B + i
  const contrast = Array.from({ length: V * B }, (_, k) => feat(k % B, Math.floor(k / B)));
  const anchorCount = o.contrastMode === 'one' ? 1 : V;
  const K = V * B;
  let total = 0;
  for (let r = 0; r < anchorCount * B; r++) {
    const a = contrast[r]!;
    const logits = contrast.map((c) => c.reduce((s, cv, d) => s + cv * a[d]!, 0) / tau);
    // Shift by the max over k ≠ r (losses.py shifts by the max over all k; the shift cancels, and
    // this one never leaves every term of the sum underflowing, e.g. for huge raw features).
    const max = Math.max(...logits.filter((_, k) => k !== r));
    const l = logits.map((v) => v - max);
    let expSum = 0;
    for (let k = 0; k < K; k++) if (k !== r) expSum += Math.exp(l[k]!);
    const logProb = l.map((v) => v - Math.log(expSum));
    let pos = 0;
    let num = 0;
    let inSum = 0;
    for (let k = 0; k < K; k++) {
      const mk = k === r ? 0 : mask(r % B, k % B);
      pos += mk;
      num += mk * logProb[k]!;
      inSum += mk * Math.exp(logProb[k]!);
    }
    const den = pos < 1e-6 ? 1 : pos;
    const meanLogProbPos = o.variant === 'in' ? (pos < 1e-6 ? 0 : Math.log(inSum / den)) : num / den;
    total += -(tau / baseTau) * meanLogProbPos;
  }
  return total / (anchorCount * B);
}
