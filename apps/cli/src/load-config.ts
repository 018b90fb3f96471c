import { readFileSync, statSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { type Experiment, parseExperiment } from './config';
import { closest, ConfigError, escapeText } from './errors';
import { PRESETS, presetId } from './presets';

export interface Overrides {
  seeds?: number[];
  steps?: number;
  size?: string;
}

/** Largest config file read: configs are a few kB; a bigger file is a mistake (or an attack). */
export const MAX_CONFIG_BYTES = 1_000_000;

/** The first line of a parser's message, escaped (parsers quote the offending text). */
const firstLine = (e: unknown) => escapeText(String((e as Error)?.message ?? e).split('\n')[0]!, 300);

/**
 * Parses YAML (1.2, with YAML 1.1 merge keys `<<: *anchor` merged) or JSON. Duplicate keys, unknown
 * tags and other warnings are errors; aliases are capped (no "billion laughs").
 */
function parseText(text: string, file: string): unknown {
  try {
    if (extname(file).toLowerCase() === '.json') return JSON.parse(text);
    const doc = parseDocument(text, { merge: true, uniqueKeys: true, prettyErrors: true });
    const problem = doc.errors[0] ?? doc.warnings[0];
    if (problem) {
      const where = problem.linePos ? ` at line ${problem.linePos[0].line}, column ${problem.linePos[0].col}` : '';
      throw new ConfigError(`cannot parse ${escapeText(file)}${where}: ${firstLine(problem).replace(/ at line \d+, column \d+:?$/, '')}`);
    }
    return doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    if (ConfigError.isInstance(e)) throw e;
    if (e instanceof RangeError) throw new ConfigError(`cannot parse ${escapeText(file)}: nested too deeply (${firstLine(e)})`);
    throw new ConfigError(`cannot parse ${escapeText(file)}: ${firstLine(e)}`);
  }
}

export function readConfigFile(file: string): unknown {
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new ConfigError(`${escapeText(file)} is not a file`);
    size = stat.size;
  } catch (e) {
    if (ConfigError.isInstance(e)) throw e;
    throw new ConfigError(`cannot read ${escapeText(file)}: ${firstLine(e)}`);
  }
  if (size > MAX_CONFIG_BYTES)
    throw new ConfigError(`${escapeText(file)}: ${size} bytes; a config holds at most ${MAX_CONFIG_BYTES} bytes`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read ${escapeText(file)}: ${firstLine(e)}`);
  }
  return parseText(text, file);
}

const isFile = (p: string) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/** Loads a preset name or a YAML/JSON config file, applies CLI overrides and validates it. */
export function loadExperiment(target: string, overrides: Overrides = {}): Experiment {
  let raw: unknown;
  let source: string;
  let baseDir = process.cwd();
  const sized = Object.hasOwn(PRESETS, target) ? PRESETS[target]!.sizes : undefined;
  if (sized && overrides.size !== undefined && !sized.names.includes(overrides.size)) {
    throw new ConfigError(
      `--size: preset '${target}' has sizes ${sized.names.map((n) => `'${n}'`).join(', ')}; got '${escapeText(overrides.size)}'`,
      {
        path: '--size',
      },
    );
  }
  if (!sized && overrides.size !== undefined && overrides.size !== 'small' && overrides.size !== 'large') {
    throw new ConfigError(`--size: expected 'small' or 'large', got '${escapeText(overrides.size)}'`, { path: '--size' });
  }
  const id = sized ? target : presetId(target, overrides.size);
  const preset = Object.hasOwn(PRESETS, id) ? PRESETS[id] : undefined;
  if (preset) {
    raw = preset.build(overrides.size);
    source = `preset '${id}'`;
  } else if (Object.hasOwn(PRESETS, target) && overrides.size === 'large') {
    throw new ConfigError(
      `--size large: preset '${target}' has no large variant (presets with one: ${Object.keys(PRESETS)
        .filter((p) => p.endsWith('-large'))
        .map((p) => p.slice(0, -6))
        .join(', ')})`,
      { path: '--size' },
    );
  } else if (isFile(target) || target.includes('/') || /\.(ya?ml|json)$/i.test(target)) {
    if (overrides.size) throw new ConfigError('--size applies to presets only', { path: '--size' });
    source = escapeText(target);
    raw = readConfigFile(target);
    baseDir = dirname(resolve(target));
  } else {
    const guess = closest(target, Object.keys(PRESETS));
    throw new ConfigError(
      `'${escapeText(target)}' is neither a preset nor a config file; ${guess ? `did you mean '${guess}'?` : `presets: ${Object.keys(PRESETS).join(', ')}`}`,
    );
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(
      `${source}: expected a mapping at the top level, got ${raw === null ? 'nothing' : Array.isArray(raw) ? 'a list' : typeof raw}`,
    );
  }
  const merged = {
    ...raw,
    ...(overrides.seeds ? { seeds: overrides.seeds } : {}),
    ...(overrides.steps ? { steps: overrides.steps } : {}),
  };
  try {
    return parseExperiment(merged, source, { baseDir });
  } catch (e) {
    if (e instanceof RangeError) throw new ConfigError(`${source}: nested too deeply (${firstLine(e)})`);
    throw e;
  }
}
