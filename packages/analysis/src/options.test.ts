// Every options schema of the package is strict (issue 15 item 1): an unknown key is an error that
// names it and lists the known keys; enum values are case-exact and listed; Infinity says so.
import * as tf from '@tensorflow/tfjs-core';
import { describeIssue, InvalidArgumentError } from '@contrastive/core';
import { nonStrictSchemas } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import * as analysis from './index';
import { knnAccuracySync, linearProbeSync } from './index';

const schemas = Object.entries(analysis).filter(([name]) => name.endsWith('OptionsSchema')) as Array<[string, z.ZodMiniObject]>;

describe('analysis options are strict', () => {
  it('covers every exported options schema', () => {
    expect(schemas.length).toBeGreaterThanOrEqual(13);
  });

  for (const [name, schema] of schemas) {
    it(`${name} rejects an unknown key by name`, () => {
      const value = { __typo: 1 };
      const result = z.safeParse(schema, value);
      expect(result.success).toBe(false);
      const issue = result.error!.issues.find((i) => i.code === 'unrecognized_keys')!;
      expect(issue).toBeDefined();
      const known = Object.keys(schema._zod.def.shape);
      expect(describeIssue(schema, issue, value).message).toBe(
        `invalid argument 'options.__typo': unknown key; known keys: ${known.join(', ')}`,
      );
    });
  }

  it('enum values are case-exact and listed; Infinity is not a finite number', () => {
    const x = tf.tensor2d([1, 0, 0, 1, 1, 1], [3, 2]);
    const y = [0, 1, 0];
    const bad = (f: () => unknown, message: string) => {
      expect(f).toThrow(InvalidArgumentError);
      expect(f).toThrow(message);
    };
    bad(
      () => knnAccuracySync(x, y, x, y, { metric: 'Cosine' as 'cosine' }),
      `'options.metric': expected one of "cosine" | "euclidean" (got "Cosine")`,
    );
    bad(() => knnAccuracySync(x, y, x, y, { k: 1, kk: 2 } as never), "'options.kk': unknown key; known keys: k, metric");
    bad(
      () => linearProbeSync(x, y, x, y, { solver: 'LBFGS' as 'lbfgs' }),
      `'options.solver': expected one of "lbfgs" | "gd" (got "LBFGS")`,
    );
    bad(() => linearProbeSync(x, y, x, y, { lr: Number.POSITIVE_INFINITY }), "'options.lr': expected a finite number (got Infinity)");
    x.dispose();
  });
});

describe('every exported schema', () => {
  it('is strict at every depth (no object silently drops an unknown key)', () => {
    expect(Object.keys(analysis).filter((n) => n.endsWith('Schema')).length).toBeGreaterThan(0);
    expect(nonStrictSchemas(analysis as Record<string, unknown>)).toEqual({});
  });
});
