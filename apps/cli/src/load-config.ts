import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError, type Experiment, parseExperiment } from './config';
import { PRESETS, presetId } from './presets';

export interface Overrides {
  seeds?: number[];
  steps?: number;
  size?: string;
}

/** Loads a preset name or a YAML/JSON config file, applies CLI overrides and validates it. */
export function loadExperiment(target: string, overrides: Overrides = {}): Experiment {
  let raw: Record<string, unknown>;
  let source: string;
  const id = presetId(target, overrides.size);
  if (PRESETS[id]) {
    raw = PRESETS[id]!.build() as unknown as Record<string, unknown>;
    source = `preset '${id}'`;
  } else if (existsSync(target)) {
    const text = readFileSync(target, 'utf8');
    const ext = extname(target).toLowerCase();
    try {
      raw = ext === '.json' ? JSON.parse(text) : parseYaml(text);
    } catch (e) {
      throw new ConfigError(`cannot parse ${target}: ${(e as Error).message}`);
    }
    source = target;
    if (overrides.size) throw new ConfigError('--size applies to presets only');
  } else {
    throw new ConfigError(`'${target}' is neither a preset (${Object.keys(PRESETS).join(', ')}) nor a config file`);
  }
  if (raw === null || typeof raw !== 'object') throw new ConfigError(`${source}: expected an object at the top level`);
  const merged = {
    ...raw,
    ...(overrides.seeds ? { seeds: overrides.seeds } : {}),
    ...(overrides.steps ? { steps: overrides.steps } : {}),
  };
  return parseExperiment(merged, source);
}
