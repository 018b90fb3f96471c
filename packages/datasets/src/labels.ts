import { InvalidArgumentError } from '@contrastive/core';

/**
 * Checks class labels and returns them as int32 with the number of classes: every label an
 * integer ≥ 0, `n` of them, and below `numClasses` when given (else C = 1 + the largest label).
 */
export function checkLabels(
  op: string,
  labels: ArrayLike<number>,
  n: number,
  numClasses: number | undefined,
  argument = 'labels',
): { labels: Int32Array; numClasses: number } {
  if (labels.length !== n) {
    throw new InvalidArgumentError({
      op,
      argument,
      expected: `${n} labels (one per item)`,
      actual: labels.length,
      message: `'${argument}' must hold one label per item: expected ${n}, got ${labels.length}`,
    });
  }
  const out = new Int32Array(n);
  let top = -1;
  for (let i = 0; i < n; i++) {
    const v = labels[i]!;
    if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) {
      throw new InvalidArgumentError({
        op,
        argument: `${argument}[${i}]`,
        expected: 'a non-negative integer class',
        actual: v,
        message: `'${argument}[${i}]' must be a non-negative integer class, got ${String(v)}`,
      });
    }
    out[i] = v;
    if (v > top) top = v;
  }
  if (numClasses !== undefined) {
    if (!Number.isInteger(numClasses) || numClasses < 1) {
      throw new InvalidArgumentError({ op, argument: 'numClasses', expected: 'a positive integer', actual: numClasses });
    }
    if (top >= numClasses) {
      const at = out.indexOf(top);
      throw new InvalidArgumentError({
        op,
        argument: `${argument}[${at}]`,
        expected: `a class in 0..${numClasses - 1}`,
        actual: top,
        message: `'${argument}[${at}]' is ${top}, outside 0..${numClasses - 1} (numClasses = ${numClasses})`,
      });
    }
    return { labels: out, numClasses };
  }
  return { labels: out, numClasses: Math.max(1, top + 1) };
}

/** Checks that `classNames` (when given) names each of the `numClasses` classes once. */
export function checkClassNames(op: string, classNames: readonly string[] | undefined, numClasses: number): readonly string[] | undefined {
  if (classNames === undefined) return undefined;
  if (classNames.length !== numClasses) {
    throw new InvalidArgumentError({
      op,
      argument: 'classNames',
      expected: `${numClasses} names (one per class)`,
      actual: classNames.length,
      message: `'classNames' must name each of the ${numClasses} classes, got ${classNames.length} names`,
    });
  }
  return Object.freeze([...classNames]);
}
