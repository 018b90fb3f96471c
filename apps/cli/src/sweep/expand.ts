// A sweep expanded into points (one resolved experiment per combination of axis values) and jobs
// (point × seed), each point validated by the experiment parser before anything runs. Job ids are
// hashes of the resolved config, so a rerun (or a sweep with one more axis value) finds every
// finished job again.
import { createHash } from 'node:crypto';
import { isAbsolute, join } from 'node:path';
import { isMetricKey, unknownMetricMessage } from '@contrastive/analysis';
import { createRng } from '@contrastive/core';
import { type Experiment, type JobSpec, jobsOf, parseExperiment } from '../config';
import { closest, ConfigError, describeValue, escapeText } from '../errors';
import { loadExperiment } from '../load-config';
import { jobId } from '../runner';
import { type SweepCheck, type SweepConfig } from './schema';

export type PathSegment = string | number;

/** `augment.steps[0].keepProb` → ['augment', 'steps', 0, 'keepProb']. */
export function parsePath(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  for (const part of path.split('.')) {
    const [key, ...indices] = part.split('[');
    out.push(key!);
    for (const i of indices) out.push(Number(i.slice(0, -1)));
  }
  return out;
}

/**
 * JSON with every object's keys sorted (RFC 8785-style canonical form for the values a config
 * holds: finite numbers, strings, booleans, null, lists, mappings), so equal configs hash equally
 * whatever the key order. Written here because it is six lines over `JSON.stringify`.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** First 16 hex digits of the SHA-256 of the canonical JSON. */
export const hashOf = (value: unknown) => createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);

/** A number rounded to 12 significant digits: `0.2 + 3 × 0.1` is 0.5, so a value written later by hand hits the same id. */
const tidy = (x: number) => Number(x.toPrecision(12));

/** The values of a grid axis. */
export function axisValues(axis: SweepConfig['axes'][string]): unknown[] {
  if (Array.isArray(axis)) return axis;
  const [lo, hi] = axis.range;
  const n = axis.steps;
  const raw = Array.from({ length: n }, (_, i) => {
    const t = i / (n - 1);
    return axis.log ? Math.exp(Math.log(lo) + t * (Math.log(hi) - Math.log(lo))) : lo + t * (hi - lo);
  });
  const vals = raw.map((v) => (axis.integer ? Math.round(v) : tidy(v)));
  return axis.integer ? [...new Set(vals)] : vals;
}

const FORBIDDEN = new Set(['name', 'title', 'description', 'claim', 'seeds', 'arms', 'checks']);
const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Sets `value` at `path` of `root` (mutates); every segment but the value must already exist. */
function setAt(root: Record<string, unknown>, path: PathSegment[], value: unknown, what: string, source: string): void {
  let node: unknown = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const where = i === 0 ? 'the top level' : `'${path.slice(0, i).join('.')}'`;
    if (typeof seg === 'number') {
      if (!Array.isArray(node) || seg >= node.length)
        throw new ConfigError(
          `${source}: ${what}: the base config has no entry [${seg}] at ${where}${Array.isArray(node) ? ` (it has ${node.length})` : ''}`,
          { path: what },
        );
    } else {
      if (!isMapping(node) || !Object.hasOwn(node, seg)) {
        const keys = isMapping(node) ? Object.keys(node) : [];
        const guess = closest(seg, keys);
        throw new ConfigError(
          `${source}: ${what}: the base config has no '${escapeText(seg, 60)}' at ${where}${guess ? `; did you mean '${guess}'?` : keys.length ? ` (its keys: ${keys.join(', ')})` : ''}`,
          { path: what },
        );
      }
    }
    if (i === path.length - 1) (node as Record<string | number, unknown>)[seg] = structuredClone(value);
    else node = (node as Record<string | number, unknown>)[seg];
  }
}

export interface SweepAxis {
  path: string;
  values: unknown[];
  /** `grid` axes span the phase diagram; `random` ones are drawn. */
  kind: 'grid' | 'random';
  /** Geometrically spaced (`log: true`): plotted on a log scale. */
  log?: boolean;
}

export interface SweepPoint {
  /** First 16 hex digits of the SHA-256 of the point's resolved job config (seed excluded). */
  id: string;
  /** The axis values of this point, by path, in axis order. */
  values: Record<string, unknown>;
  experiment: Experiment;
}

export interface SweepJob {
  /** `<point id>-seed<n>`: the file name of its result and checkpoint. */
  id: string;
  point: string;
  seed: number;
  spec: JobSpec;
}

export interface ExpandedSweep {
  config: SweepConfig;
  /** The swept setting (the chosen arm resolved into the experiment, `set` applied). */
  base: Experiment;
  axes: SweepAxis[];
  points: SweepPoint[];
  jobs: SweepJob[];
  seeds: number[];
  /** Metric of the phase diagrams. */
  metric: string;
  checks: SweepCheck[];
}

/** Describes a point for error messages: `augment.keepProb = 0.5, method.temperature = 0.1`. */
export const describePoint = (values: Record<string, unknown>) =>
  Object.entries(values)
    .map(([k, v]) => `${k} = ${describeValue(v)}`)
    .join(', ') || 'the base';

/** Loads the sweep's base experiment and resolves the chosen arm into a one-arm experiment (as JSON). */
function flattenBase(config: SweepConfig, source: string, baseDir: string): Record<string, unknown> {
  let exp: Experiment;
  if (typeof config.base === 'string') {
    const isPath = /[\\/]|\.(ya?ml|json)$/i.test(config.base);
    exp = loadExperiment(isPath && !isAbsolute(config.base) ? join(baseDir, config.base) : config.base);
  } else {
    exp = parseExperiment(config.base, `${source}: base`);
  }
  const armName = config.arm ?? exp.arms[0]!.name;
  const arm = exp.arms.find((a) => a.name === armName);
  if (!arm)
    throw new ConfigError(
      `${source}: arm: the base has no arm '${escapeText(armName, 100)}' (arms: ${exp.arms.map((a) => `'${a.name}'`).join(', ')})`,
      { path: 'arm' },
    );
  const flat: Record<string, unknown> = JSON.parse(JSON.stringify({ ...exp, name: config.name, arms: [{ name: 'point' }], checks: [] }));
  delete flat['title'];
  delete flat['description'];
  delete flat['claim'];
  for (const key of ['data', 'augment', 'encoder', 'method', 'optimizer'] as const)
    if (arm[key] !== undefined) flat[key] = JSON.parse(JSON.stringify(arm[key]));
  for (const key of ['projector', 'predictor'] as const) {
    if (arm[key] === null) delete flat[key];
    else if (arm[key] !== undefined) flat[key] = JSON.parse(JSON.stringify(arm[key]));
  }
  if (config.seeds) flat['seeds'] = config.seeds;
  return flat;
}

/**
 * Expands a parsed sweep into validated points and jobs. Every point is parsed as an experiment
 * (strict schema, the packages' option schemas, contradictions, and whether it produces the
 * sweep's metrics); an error names the axis, the point and the problem.
 * @param source  how messages name the sweep (its file or `sweep preset 'x'`)
 * @param baseDir directory a relative `base` file is resolved against
 */
export function expandSweep(config: SweepConfig, options: { source?: string; baseDir?: string; metric?: string } = {}): ExpandedSweep {
  const source = options.source ?? `sweep '${config.name}'`;
  const flat = flattenBase(config, source, options.baseDir ?? '.');
  const metrics = [options.metric ?? config.metric, ...config.checks.map((c) => c.metric)].filter((m): m is string => m !== undefined);
  if (options.metric !== undefined && !isMetricKey(options.metric))
    throw new ConfigError(`--metric: ${unknownMetricMessage(options.metric)}`, { path: '--metric' });
  const metric = options.metric ?? config.metric ?? config.checks[0]?.metric ?? 'loss';
  // A check per metric, so the experiment parser says when a point cannot produce it.
  const metricChecks = [...new Set([metric, ...metrics])].map((m) => ({
    description: `sweep metric ${m}`,
    arm: 'point',
    metric: m,
    op: '>=' as const,
    value: 0,
  }));

  const checkPath = (path: string, what: string) => {
    const root = parsePath(path)[0] as string;
    if (FORBIDDEN.has(root))
      throw new ConfigError(`${source}: ${what}: '${root}' cannot be swept${root === 'seeds' ? " (use the sweep's own 'seeds')" : ''}`, {
        path: what,
      });
  };
  for (const [path, value] of Object.entries(config.set)) {
    checkPath(path, `set.${path}`);
    setAt(flat, parsePath(path), value, `set '${path}'`, source);
  }
  const parse = (raw: Record<string, unknown>, what: string): Experiment => {
    try {
      return parseExperiment({ ...raw, checks: metricChecks }, what);
    } catch (e) {
      if (ConfigError.isInstance(e)) throw new ConfigError(`${source}: ${e.message}`, { ...(e.path ? { path: e.path } : {}), cause: e });
      throw e;
    }
  };
  const baseExp = parse(flat, 'base (after set)');
  const base: Record<string, unknown> = JSON.parse(JSON.stringify({ ...baseExp, checks: [] }));

  const axes: SweepAxis[] = [];
  for (const [path, axis] of Object.entries(config.axes)) {
    checkPath(path, `axes.${path}`);
    const values = axisValues(axis);
    const seen = new Map<string, number>();
    values.forEach((v, i) => {
      const key = canonicalJson(v);
      if (seen.has(key))
        throw new ConfigError(`${source}: axis '${path}': value ${describeValue(v)} is listed twice (at ${seen.get(key)} and ${i})`, {
          path: `axes.${path}`,
        });
      seen.set(key, i);
    });
    axes.push({ path, values, kind: 'grid', ...(!Array.isArray(axis) && axis.log ? { log: true } : {}) });
  }
  const randomPaths = Object.keys(config.random?.axes ?? {});
  for (const path of randomPaths) {
    checkPath(path, `random.axes.${path}`);
    if (Object.hasOwn(config.axes, path))
      throw new ConfigError(`${source}: random.axes.${path}: already a grid axis; sweep it one way`, { path: `random.axes.${path}` });
  }
  // Check every path against the base before expanding (a typo is one error, not one per point).
  for (const path of [...axes.map((a) => a.path), ...randomPaths])
    setAt(structuredClone(base), parsePath(path), null, `axis '${path}'`, source);

  // Grid: the cartesian product, first axis outermost.
  let grid: Record<string, unknown>[] = [{}];
  for (const axis of axes) grid = grid.flatMap((p) => axis.values.map((v) => ({ ...p, [axis.path]: v })));
  // Random search: `count` draws, the same for every grid point.
  let draws: Record<string, unknown>[] = [{}];
  if (config.random) {
    const rng = createRng(config.random.seed).fork('sweep-random');
    draws = Array.from({ length: config.random.count }, () => {
      const d: Record<string, unknown> = {};
      for (const [path, dim] of Object.entries(config.random!.axes)) {
        if ('values' in dim) d[path] = dim.values[rng.int(dim.values.length)];
        else {
          const [lo, hi] = dim.range;
          const u = rng.uniform();
          const v = dim.log ? Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo))) : lo + u * (hi - lo);
          d[path] = dim.integer ? Math.round(v) : Number(v.toPrecision(6));
        }
      }
      return d;
    });
    for (const [path, dim] of Object.entries(config.random.axes)) {
      axes.push({
        path,
        values: [...new Map(draws.map((d) => [canonicalJson(d[path]), d[path]])).values()],
        kind: 'random',
        ...('log' in dim && dim.log ? { log: true } : {}),
      });
    }
  }

  const seeds = baseExp.seeds;
  const points: SweepPoint[] = [];
  const byId = new Map<string, SweepPoint>();
  for (const g of grid) {
    for (const d of draws) {
      const values = { ...g, ...d };
      const raw = structuredClone(base);
      for (const [path, v] of Object.entries(values)) setAt(raw, parsePath(path), v, `axis '${path}'`, source);
      const experiment = parse(raw, `point (${describePoint(values)})`);
      const { experiment: _e, arm: _a, seed: _s, ...resolved } = jobsOf(experiment)[0]!;
      const id = hashOf(resolved);
      const twin = byId.get(id);
      if (twin) {
        // Random draws may repeat; grid points that resolve to the same config are a mistake.
        if (config.random && Object.keys(g).every((k) => canonicalJson(g[k]) === canonicalJson(twin.values[k]))) continue;
        throw new ConfigError(
          `${source}: points (${describePoint(twin.values)}) and (${describePoint(values)}) resolve to the same config; remove one value`,
          { path: 'axes' },
        );
      }
      const point = { id, values, experiment: { ...experiment, checks: [] } };
      byId.set(id, point);
      points.push(point);
    }
  }
  const jobs: SweepJob[] = points.flatMap((p) =>
    jobsOf(p.experiment).map((spec) => {
      const job = { ...spec, experiment: config.name, arm: p.id };
      return { id: jobId(job), point: p.id, seed: spec.seed, spec: job };
    }),
  );

  const gridPaths = axes.filter((a) => a.kind === 'grid').map((a) => a.path);
  config.checks.forEach((c, i) => {
    for (const [path, v] of Object.entries(c.where)) {
      const axis = axes.find((a) => a.path === path && a.kind === 'grid');
      if (!axis)
        throw new ConfigError(
          `${source}: checks[${i}].where: '${escapeText(path, 100)}' is not a grid axis (grid axes: ${gridPaths.join(', ') || 'none'})`,
          { path: `checks[${i}].where` },
        );
      if (!axis.values.some((x) => canonicalJson(x) === canonicalJson(v))) {
        throw new ConfigError(
          `${source}: checks[${i}].where: ${path} = ${describeValue(v)} is not a value of that axis (${axis.values.map(describeValue).join(', ')})`,
          { path: `checks[${i}].where` },
        );
      }
    }
  });
  return { config, base: baseExp, axes, points, jobs, seeds, metric, checks: config.checks };
}
