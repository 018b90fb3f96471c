import { InvalidArgumentError } from '@contrastive/core';
import { z } from 'zod';
import type { RunResults } from './cli';

const numbers = z.record(z.string(), z.number().nullable());
/** The parts of a CLI results.json (apps/cli/src/results.ts `RunResults`) the lab's report reads. */
export const runResultsSchema = z.looseObject({
  experiment: z.string(),
  title: z.string().optional(),
  description: z.string().optional(),
  claim: z.string().optional(),
  steps: z.number(),
  seeds: z.array(z.number()),
  arms: z.array(
    z.looseObject({
      name: z.string(),
      seeds: z.array(z.looseObject({ seed: z.number(), final: numbers })),
      mean: numbers,
      std: numbers,
      curves: z.object({ steps: z.array(z.number()), metrics: z.record(z.string(), z.array(z.number().nullable())) }),
      loss: z.object({ steps: z.array(z.number()), values: z.array(z.number().nullable()) }),
    }),
  ),
  checks: z.array(
    z.looseObject({ description: z.string(), arm: z.string(), metric: z.string(), op: z.string(), observed: z.array(z.number().nullable()), pass: z.boolean() }),
  ),
  passed: z.boolean(),
});

/**
 * Parses the text of a CLI run's `results.json`. Throws an InvalidArgumentError naming the file and
 * the first bad key path (`arms.0.mean: expected record`) for anything else.
 */
export function parseResultsFile(text: string, name = 'results.json'): RunResults {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InvalidArgumentError({ op: 'lab.open', argument: name, expected: 'JSON', actual: (e as Error).message, message: `${name} is not JSON: ${(e as Error).message}` });
  }
  const r = runResultsSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const path = issue.path.join('.') || '(root)';
    throw new InvalidArgumentError({
      op: 'lab.open',
      argument: `${name}: ${path}`,
      expected: 'a results.json written by `contrastive run` or `compare`',
      actual: issue.message,
      message: `${name} is not a contrastive results.json: ${path}: ${issue.message}`,
      cause: r.error,
    });
  }
  return r.data as unknown as RunResults;
}

/** Picks `results.json` from the files of a dropped or chosen run folder (the shallowest one). */
export function pickResultsFile<F extends { name: string; webkitRelativePath?: string }>(files: readonly F[]): F | undefined {
  const candidates = files.filter((f) => f.name === 'results.json');
  const depth = (f: F) => (f.webkitRelativePath || f.name).split('/').length;
  return candidates.sort((a, b) => depth(a) - depth(b))[0];
}
