// The verdict of a run and its exit code, honest about overrides: a preset's (or config file's)
// checks were calibrated for its own steps, batch size, seeds and evaluation samples; when the
// command line changed them (`--steps 300`), a failed check says nothing about the claim.
import { z } from 'zod';
import type { RunResults } from './results';

/** Exit codes of `contrastive run | compare | report`. */
export const EXIT = {
  /** Every check holds (or there are no checks). */
  shown: 0,
  /** Bad input: flags, config, run directory. */
  error: 1,
  /** A check failed in the setting the checks were calibrated for: the run does not show the claim. */
  notShown: 2,
  /** A check failed, but the run's setting differs from the calibrated one (`--steps`, `--seeds`, …). */
  notApplicable: 3,
  /** Interrupted (Ctrl-C); checkpoints saved. */
  interrupted: 130,
} as const;

/** The setting a run's checks were calibrated for: the config as written, before command-line overrides. */
export const calibrationSchema = z.object({
  steps: z.number().int().min(1),
  batchSize: z.number().int().min(1),
  seeds: z.array(z.number().int()),
  evalSamples: z.number().int().min(1),
  /** The preset size (`--size`) the checks were calibrated at, for presets with sizes. */
  size: z.string().optional(),
});
export type Calibration = z.output<typeof calibrationSchema>;

/** The calibration-relevant part of an experiment. */
export const calibrationOf = (exp: Calibration): Calibration => ({
  steps: exp.steps,
  batchSize: exp.batchSize,
  seeds: [...exp.seeds],
  evalSamples: exp.evalSamples,
  ...(exp.size !== undefined ? { size: exp.size } : {}),
});

/** A way the run's setting differs from the calibrated one. */
export interface CalibrationNote {
  text: string;
  /** Whether a failed check may be due to it (false: a subset of the calibrated seeds, checks per seed). */
  blocking: boolean;
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** How `run` differs from `calibration` (nothing when it is undefined: no reference is known). */
export function calibrationNotes(run: Calibration, r: Pick<RunResults, 'checks'>, calibration?: Calibration): CalibrationNote[] {
  if (!calibration || r.checks.length === 0) return [];
  const notes: CalibrationNote[] = [];
  if (run.size !== calibration.size && run.size !== undefined && calibration.size !== undefined) {
    // Another size changes data, widths, epochs and seeds at once: one note says it all.
    return [
      {
        text: `checks were calibrated at --size ${calibration.size}; this run used --size ${run.size} (not measured on this project's machines; see the preset's page)`,
        blocking: true,
      },
    ];
  }
  if (run.steps !== calibration.steps)
    notes.push({ text: `checks were calibrated for ${calibration.steps} steps; this run used ${run.steps}`, blocking: true });
  if (run.batchSize !== calibration.batchSize)
    notes.push({ text: `checks were calibrated for batch size ${calibration.batchSize}; this run used ${run.batchSize}`, blocking: true });
  if (run.evalSamples !== calibration.evalSamples)
    notes.push({
      text: `checks were calibrated for ${calibration.evalSamples} evaluation samples; this run used ${run.evalSamples}`,
      blocking: true,
    });
  const sameSeeds = run.seeds.length === calibration.seeds.length && run.seeds.every((s) => calibration.seeds.includes(s));
  if (!sameSeeds) {
    // A check that must hold on every seed and fails on a calibrated seed fails in the calibrated run too.
    const subset = run.seeds.every((s) => calibration.seeds.includes(s));
    const perSeed = r.checks.every((c) => c.aggregate !== 'mean');
    notes.push({
      text: `checks were calibrated for ${plural(calibration.seeds.length, 'seed')} (${calibration.seeds.join(', ')}); this run used ${plural(run.seeds.length, 'seed')} (${run.seeds.join(', ')})`,
      blocking: !(subset && perSeed),
    });
  }
  return notes;
}

export interface Verdict {
  status: 'shown' | 'not-shown' | 'not-applicable' | 'no-checks';
  code: number;
  /** One sentence for the terminal and the report. */
  line: string;
  /** How the setting differs from the calibrated one. */
  notes: string[];
}

/** The verdict of `r`, given how its setting differs from the calibrated one (`calibrationNotes`). */
export function verdictOf(r: Pick<RunResults, 'checks' | 'passed'>, notes: CalibrationNote[] = []): Verdict {
  const texts = notes.map((n) => n.text);
  if (r.checks.length === 0) return { status: 'no-checks', code: EXIT.shown, line: 'No checks.', notes: texts };
  if (r.passed) {
    return {
      status: 'shown',
      code: EXIT.shown,
      line: notes.length
        ? 'The run shows the claim, in a setting other than the one its checks were calibrated for (see the notes).'
        : 'The run shows the claim.',
      notes: texts,
    };
  }
  if (notes.some((n) => n.blocking)) {
    return {
      status: 'not-applicable',
      code: EXIT.notApplicable,
      line: 'Checks not applicable: a check failed, but this run does not use the setting the checks were calibrated for (see the notes); run without the overrides to test the claim.',
      notes: texts,
    };
  }
  return { status: 'not-shown', code: EXIT.notShown, line: 'The run does NOT show the claim.', notes: texts };
}
