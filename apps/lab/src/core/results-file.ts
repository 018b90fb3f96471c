import { InvalidArgumentError } from '@contrastive/core';
import { z } from 'zod';
import { type RunResults, runResultsSchema } from './cli';

/**
 * What the lab's report reads beyond what `contrastive report` checks (the CLI's own
 * `runResultsSchema`, applied first): the evaluation curves and the loss of every arm.
 */
export const reportCurvesSchema = z.looseObject({
  arms: z.array(
    z.looseObject({
      curves: z.object({ steps: z.array(z.number()), metrics: z.record(z.string(), z.array(z.number().nullable())) }),
      loss: z.object({ steps: z.array(z.number()), values: z.array(z.number().nullable()) }),
    }),
  ),
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
    throw new InvalidArgumentError({
      op: 'lab.open',
      argument: name,
      expected: 'JSON',
      actual: (e as Error).message,
      message: `${name} is not JSON: ${(e as Error).message}`,
    });
  }
  for (const schema of [runResultsSchema, reportCurvesSchema]) {
    const r = schema.safeParse(json);
    if (r.success) continue;
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
  // The CLI's parse: metrics stored as null (NaN has no JSON) read back as NaN.
  return runResultsSchema.parse(json) as unknown as RunResults;
}

/** Picks `results.json` from the files of a dropped or chosen run folder (the shallowest one). */
export function pickResultsFile<F extends { name: string; webkitRelativePath?: string }>(files: readonly F[]): F | undefined {
  const candidates = files.filter((f) => f.name === 'results.json');
  const depth = (f: F) => (f.webkitRelativePath || f.name).split('/').length;
  return candidates.sort((a, b) => depth(a) - depth(b))[0];
}
