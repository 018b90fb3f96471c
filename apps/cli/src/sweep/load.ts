// Reads a sweep: a sweep preset name or a YAML/JSON sweep file, validated by `sweepSchema`.
import { dirname } from 'node:path';
import { closest, ConfigError, escapeText } from '../errors';
import { issuesError } from '../issues';
import { readConfigFile } from '../load-config';
import { SWEEP_PRESETS } from './presets';
import { type SweepConfig, sweepSchema } from './schema';

export interface LoadedSweep {
  config: SweepConfig;
  /** How messages name it: the file, or `sweep preset 'x'`. */
  source: string;
  /** Where a relative `base` file is resolved. */
  baseDir: string;
}

/** Parses a sweep object (from a file or a preset); errors name the source and the path. */
export function parseSweep(value: unknown, source: string): SweepConfig {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(
      `${source}: expected a mapping at the top level, got ${value === null ? 'nothing' : Array.isArray(value) ? 'a list' : typeof value}`,
    );
  }
  const r = sweepSchema.safeParse(value);
  if (!r.success) throw issuesError(r.error.issues, sweepSchema, value, source);
  return r.data;
}

export function loadSweep(target: string): LoadedSweep {
  const preset = Object.hasOwn(SWEEP_PRESETS, target) ? SWEEP_PRESETS[target] : undefined;
  if (preset) {
    const source = `sweep preset '${target}'`;
    return { config: parseSweep(preset.build(), source), source, baseDir: '.' };
  }
  if (!/[\\/]|\.(ya?ml|json)$/i.test(target)) {
    const names = Object.keys(SWEEP_PRESETS);
    const guess = closest(target, names);
    throw new ConfigError(
      `'${escapeText(target)}' is neither a sweep preset nor a sweep file; ${guess ? `did you mean '${guess}'?` : `sweep presets: ${names.join(', ')}`}`,
    );
  }
  const source = escapeText(target);
  return { config: parseSweep(readConfigFile(target), source), source, baseDir: dirname(target) };
}
