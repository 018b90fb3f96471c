// Fault injection (a), issue 15: a seeded, reproducible corpus of bad configs and flags generated
// from every preset — unknown keys at every depth, typos of real keys, wrong types, case changes,
// out-of-range numbers, YAML merge keys — each run through the CLI's own entry (`prepareRun`, what
// bin.ts calls) and a handful through the built binary. Each must fail up front: exit code 1, one
// line naming the path (or flag), no run directory. The counts are printed.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng, type Rng } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { experimentSchema, parseExperiment } from '../src/config';
import { formatPath } from '../src/errors';
import { literals, numberBounds, schemaAt } from '../src/issues';
import { failure, prepareRun } from '../src/prepare';
import { PRESETS } from '../src/presets';
import { builtBin, runAsync } from './run-cli';

type Path = (string | number)[];
type Json = unknown;
interface Mutation {
  kind: string;
  preset: string;
  /** The config as a YAML text, or undefined for a flag-only mutation. */
  yaml?: string;
  /** Extra command-line arguments. */
  args?: string[];
  /** The message must name one of these (config paths or flags). */
  names: string[];
}

const SEED = 15;
const dir = mkdtempSync(join(tmpdir(), 'contrastive-faults-'));
// Through JSON: presets share objects between arms (feature-decoupling's dense data), and a mutation
// must change one place only.
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** Every mapping and every leaf of `v`, with its path. */
function walk(v: Json, path: Path = [], out: { maps: Path[]; leaves: Path[] } = { maps: [], leaves: [] }) {
  if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i], out));
  else if (v !== null && typeof v === 'object') {
    out.maps.push(path);
    for (const [k, x] of Object.entries(v)) walk(x, [...path, k], out);
  } else out.leaves.push(path);
  return out;
}
const get = (v: Json, path: Path): Json => path.reduce<Json>((o, k) => (o as Record<string | number, Json>)[k], v);
function set(v: Json, path: Path, value: Json): void {
  const parent = get(v, path.slice(0, -1)) as Record<string | number, Json>;
  parent[path.at(-1)!] = value;
}
/** Renames key `path.at(-1)` to `to`, keeping the key order. */
function rename(v: Json, path: Path, to: string): void {
  const parent = get(v, path.slice(0, -1)) as Record<string, Json>;
  const entries = Object.entries(parent).map(([k, x]) => [k === path.at(-1) ? to : k, x] as const);
  for (const k of Object.keys(parent)) delete parent[k];
  Object.assign(parent, Object.fromEntries(entries));
}
/** A seeded typo: drop, double or swap a letter, or change one; never a key the schema knows there. */
function typo(word: string, rng: Rng, known: string[]): string {
  for (let attempt = 0; attempt < 20; attempt++) {
    const i = rng.int(word.length);
    const kind = rng.int(4);
    const t =
      kind === 0 && word.length > 3
        ? word.slice(0, i) + word.slice(i + 1)
        : kind === 1
          ? word.slice(0, i + 1) + word[i] + word.slice(i + 1)
          : kind === 2 && i < word.length - 1
            ? word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2)
            : word.slice(0, i) + 'xqz'[rng.int(3)] + word.slice(i + 1);
    if (t !== word && !known.includes(t)) return t;
  }
  return `${word}_`;
}
const swapCase = (s: string) => (s[0] === s[0]!.toUpperCase() ? s[0]!.toLowerCase() : s[0]!.toUpperCase()) + s.slice(1);
const keysAt = (raw: Json, path: Path) => {
  const s = schemaAt(experimentSchema, raw, path) as { _zod: { def: { type: string; shape?: Record<string, unknown> } } } | undefined;
  return s && s._zod.def.type === 'object' ? Object.keys(s._zod.def.shape ?? {}) : [];
};

/** The corpus of one preset. */
function mutationsOf(preset: string, raw: Json, rng: Rng): Mutation[] {
  const out: Mutation[] = [];
  const add = (kind: string, change: (c: Json) => Path[] | Path) => {
    const c = clone(raw);
    const named = change(c);
    const paths = (Array.isArray(named[0]) ? named : [named]) as Path[];
    out.push({ kind, preset, yaml: stringify(c), names: paths.map(formatPath) });
  };
  const { maps, leaves } = walk(raw);

  // Unknown keys at every depth (every mapping, the top level included).
  for (const m of maps) add('unknown key', (c) => (set(c, [...m, 'zzUnknown'], 1), [...m, 'zzUnknown']));
  // A typo and a case change of every key.
  for (const m of maps) {
    for (const k of Object.keys(get(raw, m) as object)) {
      const known = keysAt(raw, m);
      const t = typo(k, rng, known);
      add(
        'typo of a key',
        (c) => (
          rename(c, [...m, k], t),
          [
            [...m, t],
            [...m, k],
          ]
        ),
      );
      const cased = swapCase(k);
      if (!known.includes(cased))
        add(
          'key case change',
          (c) => (
            rename(c, [...m, k], cased),
            [
              [...m, cased],
              [...m, k],
            ]
          ),
        );
    }
  }
  for (const leaf of leaves) {
    const value = get(raw, leaf);
    const schema = schemaAt(experimentSchema, raw, leaf);
    const parentPath = leaf.slice(0, -1);
    // Wrong types: a number for text, text for a number, a number for a boolean, a list for null.
    const wrong =
      typeof value === 'number' ? String(value) : typeof value === 'boolean' ? (value ? 1 : 0) : typeof value === 'string' ? 7 : ['x'];
    add('wrong type', (c) => (set(c, leaf, wrong), [leaf, parentPath]));
    // Case changes of fixed values (enum members, `type` tags; free text may change case).
    const fixed = schema ? literals(schema) : undefined;
    if (typeof value === 'string' && (fixed || leaf.at(-1) === 'type') && /[a-z]/i.test(value)) {
      const cased = value === value.toLowerCase() ? value.toUpperCase() : value.toLowerCase();
      add('value case change', (c) => (set(c, leaf, cased), [leaf, parentPath]));
    }
    // Out-of-range numbers: past the schema's own bounds, a fraction for an integer, ±Infinity, NaN.
    if (typeof value === 'number' && schema) {
      const b = numberBounds(schema) ?? {};
      const options: number[] = [Infinity, -Infinity, Number.NaN];
      if (b.minimum !== undefined && Number.isFinite(b.minimum)) options.push(b.minimum - 1);
      if (b.exclusiveMinimum !== undefined) options.push(b.exclusiveMinimum);
      if (b.maximum !== undefined && Number.isFinite(b.maximum) && b.maximum < Number.MAX_SAFE_INTEGER) options.push(b.maximum + 1);
      if (b.exclusiveMaximum !== undefined) options.push(b.exclusiveMaximum);
      if (b.format === 'safeint') options.push(value + 0.5);
      const pick = options[rng.int(options.length)]!;
      add('out of range', (c) => (set(c, leaf, pick), leaf));
      if (pick !== options[0] && b.format === 'safeint') add('out of range', (c) => (set(c, leaf, value + 0.5), leaf));
    }
  }
  // The typos of the reliability issue, placed where they would have been silently dropped.
  const r = raw as Record<string, Json> & { checks?: Record<string, Json>[]; arms: Record<string, Json>[] };
  const targeted: Array<[string, (c: Record<string, Json>) => Path]> = [
    ['chekcs', (c) => ((c['chekcs'] = c['checks'] ?? []), delete c['checks'], ['chekcs'])],
    [
      'temprature',
      (c) => ((((c['method'] ??= { type: 'contrastive' }) as Record<string, Json>)['temprature'] = 0.5), ['method', 'temprature']),
    ],
    ['momentm', (c) => (((c['optimizer'] as Record<string, Json>)['momentm'] = 0.9), ['optimizer', 'momentm'])],
    ['augmnt', (c) => (((c['arms'] as Record<string, Json>[])[0]!['augmnt'] = { type: 'identity' }), ['arms', 0, 'augmnt'])],
    ['warmupStep', (c) => ((c['schedule'] = { type: 'cosine', warmupStep: 10 }), ['schedule', 'warmupStep'])],
    ['gama', (c) => ((c['schedule'] = { type: 'step', milestones: [10], gama: 0.5 }), ['schedule', 'gama'])],
    [
      'stopGradiant',
      (c) => (
        ((c['arms'] as Record<string, Json>[])[0]!['method'] = { type: 'simsiam', stopGradiant: false }),
        ['arms', 0, 'method', 'stopGradiant']
      ),
    ],
    [
      'momentun',
      (c) => (((c['arms'] as Record<string, Json>[])[0]!['method'] = { type: 'byol', momentun: 0.9 }), ['arms', 0, 'method', 'momentun']),
    ],
    [
      'rhoo',
      (c) => (((c['arms'] as Record<string, Json>[])[0]!['method'] = { type: 'directpred', rhoo: 0.3 }), ['arms', 0, 'method', 'rhoo']),
    ],
    [
      'unit: noisestd',
      (c) => (
        ((c['arms'] as Record<string, Json>[])[0]!['augment'] = { type: 'gaussianNoise', std: 1, unit: 'noisestd' }),
        ['arms', 0, 'augment', 'unit']
      ),
    ],
    [
      'compose typo',
      (c) => (
        ((c['arms'] as Record<string, Json>[])[0]!['augment'] = { type: 'compose', step: [{ type: 'identity' }] }),
        ['arms', 0, 'augment', 'step']
      ),
    ],
  ];
  if (r.checks?.length) {
    targeted.push(
      ['aggregrate', (c) => (((c['checks'] as Record<string, Json>[])[0]!['aggregrate'] = 'mean'), ['checks', 0, 'aggregrate'])],
      ['relativeto', (c) => (((c['checks'] as Record<string, Json>[])[0]!['relativeto'] = 'initial'), ['checks', 0, 'relativeto'])],
      [
        'metric typo',
        (c) => {
          const check = (c['checks'] as Record<string, Json>[])[0]!;
          check['metric'] = typo(String(check['metric']), rng, []);
          return ['checks', 0, 'metric'];
        },
      ],
      ['thann', (c) => (((c['checks'] as Record<string, Json>[])[0]!['thann'] = r.arms[0]!['name']), ['checks', 0, 'thann'])],
    );
  }
  for (const [kind, change] of targeted) add(`issue 15 typo: ${kind}`, (c) => change(c as Record<string, Json>));
  // Values every field accepts alone that the run as a whole cannot use.
  /** A plain contrastive setting on unlabeled sparse coding, so one contradiction is added at a time. */
  const plain = (c: Record<string, Json>) => {
    c['data'] = { type: 'sparseCoding' };
    c['method'] = { type: 'contrastive' };
    for (const k of ['checks', 'projector', 'predictor', 'augment']) delete c[k];
  };
  const semantic: Array<[string, (c: Record<string, Json>) => Path]> = [
    ['duplicate seed', (c) => ((c['seeds'] = [0, 0]), ['seeds', 1])],
    ['evalSamples too small', (c) => ((c['evalSamples'] = 1), ['evalSamples'])],
    ['oversized description', (c) => ((c['description'] = 'x'.repeat(10_001)), ['description'])],
    [
      'colliding arm slug',
      (c) => {
        const arms = c['arms'] as Record<string, Json>[];
        arms.push({ ...arms[0]!, name: `${String(arms[0]!['name']).toUpperCase()} ` });
        return ['arms', arms.length - 1, 'name'];
      },
    ],
    [
      'dataPairs on data without pairs',
      (c) => (plain(c), (c['arms'] = [{ name: 'a', augment: { type: 'dataPairs' } }]), ['arms', 0, 'augment', 'type']),
    ],
    [
      'supervised SupCon without labels',
      (c) => (
        plain(c),
        (c['arms'] = [{ name: 'a', method: { type: 'contrastive', loss: 'supcon' }, augment: { type: 'complementaryMask' } }]),
        ['arms', 0, 'method', 'supervised']
      ),
    ],
    [
      'option of another loss',
      (c) => (
        plain(c),
        (c['arms'] = [{ name: 'a', method: { type: 'contrastive', loss: 'ntxent', symmetric: true } }]),
        ['arms', 0, 'method', 'symmetric']
      ),
    ],
  ];
  if (r.checks?.length) {
    semantic.push(
      ['check on an unknown arm', (c) => (((c['checks'] as Record<string, Json>[])[0]!['arm'] = 'no such arm'), ['checks', 0, 'arm'])],
      [
        'check against itself',
        (c) => {
          const check = (c['checks'] as Record<string, Json>[])[0]!;
          delete check['relativeTo'];
          check['than'] = check['arm'];
          return ['checks', 0, 'than'];
        },
      ],
    );
  }
  for (const [kind, change] of semantic) add(`semantic: ${kind}`, (c) => change(c as Record<string, Json>));
  // Merge keys: merged (YAML 1.1 `merge: true`), so what they bring in is validated like the rest.
  const text = stringify(raw);
  out.push({
    kind: 'merge key bringing a typo',
    preset,
    yaml: `${text}\n`.replace(
      /^arms:\n/m,
      'arms:\n  - &extra {name: zz-merged, augmnt: {type: identity}}\n  - {<<: *extra, name: zz-merged-2}\n',
    ),
    names: ['arms[0].augmnt'],
  });
  out.push({
    kind: 'merge key of a scalar',
    preset,
    yaml: text.replace(/^arms:\n/m, 'arms:\n  - {<<: 5, name: zz}\n'),
    names: ['<<', 'Merge'],
  });
  out.push({ kind: 'merge key at the top level', preset, yaml: `<<: {stepz: 1}\n${text}`, names: ['stepz'] });
  return out;
}

/** Bad flags, on a valid preset. */
const FLAG_MUTATIONS: Array<[string[], string]> = [
  [['--seeds', '0,0'], '--seeds'],
  [['--seeds', ''], '--seeds'],
  [['--seeds', '0,,1'], '--seeds'],
  [['--seeds', '-1'], '--seeds'],
  [['--seeds', '1e3'], '--seeds'],
  [['--seed', '0', '--seeds', '1'], '--seed'],
  [['--seed', 'x'], '--seed'],
  [['--steps', '0'], '--steps'],
  [['--steps', '1e3'], '--steps'],
  [['--steps', '0x10'], '--steps'],
  [['--workers', 'many'], '--workers'],
  [['--backend', 'gpu'], '--backend'],
  [['--size', 'huge'], '--size'],
  [['--sed', '1'], '--sed'],
  [['--losses', 'infonce'], '--losses'],
  [['--out', ''], '--out'],
  [['extra-positional'], 'extra-positional'],
];

function corpus(): Mutation[] {
  const rng = createRng(SEED);
  const all: Mutation[] = [];
  for (const [name, preset] of Object.entries(PRESETS)) all.push(...mutationsOf(name, preset.build(), rng.fork(name)));
  for (const [args, flag] of FLAG_MUTATIONS) all.push({ kind: 'bad flag', preset: 'hltm', args, names: [flag] });
  return all;
}

/** Runs one mutation through `prepareRun`: exit code and line as bin.ts would print them. */
async function attempt(m: Mutation, i: number): Promise<{ code: number; line: string; out: string }> {
  const out = join(dir, `out-${i}`);
  let target = m.preset;
  if (m.yaml !== undefined) {
    target = join(dir, `m-${i}.yaml`);
    writeFileSync(target, m.yaml);
  }
  try {
    await prepareRun(['run', target, '--out', out, '--backend', 'cpu', '--workers', '0', ...(m.args ?? [])]);
    return { code: 0, line: '', out };
  } catch (e) {
    return { ...failure(e), out };
  }
}

describe('fault injection (a): mutated configs are rejected up front', () => {
  const mutations = corpus();

  it('is reproducible, and every preset unmutated (as YAML, and with a valid merge key) passes prepareRun', async () => {
    expect(corpus().map((m) => m.yaml ?? m.args?.join(' '))).toEqual(mutations.map((m) => m.yaml ?? m.args?.join(' ')));
    for (const [name, p] of Object.entries(PRESETS)) {
      const raw = p.build();
      expect(() => parseExperiment(raw, name)).not.toThrow();
      const text = stringify(JSON.parse(JSON.stringify(raw)));
      const merged = text.replace(/^arms:\n/m, 'arms:\n  - &extra {name: zz-merged}\n  - {<<: *extra, name: zz-merged-2}\n');
      for (const [i, yaml] of [text, merged].entries()) {
        const file = join(dir, `valid-${name}-${i}.yaml`);
        writeFileSync(file, yaml);
        const out = join(dir, `valid-out-${name}-${i}`);
        const prepared = await prepareRun(['run', file, '--out', out, '--backend', 'cpu']);
        expect(prepared.experiment.arms.length).toBe(raw.arms.length + i * 2);
        expect(existsSync(out)).toBe(false);
      }
    }
  });

  it('rejects every mutation with exit code 1 and one line naming the path, writing nothing', async () => {
    const silent: string[] = [];
    const unclear: string[] = [];
    const kinds = new Map<string, number>();
    for (const [i, m] of mutations.entries()) {
      // Yield now and then: the loop is mostly synchronous, and vitest's worker must keep talking.
      if (i % 25 === 0) await new Promise((resolve) => setImmediate(resolve));
      kinds.set(m.kind.replace(/:.*/, ''), (kinds.get(m.kind.replace(/:.*/, '')) ?? 0) + 1);
      const r = await attempt(m, i);
      expect(existsSync(r.out), `${m.kind}: run directory created`).toBe(false);
      if (r.code === 0) {
        silent.push(`${m.preset} ${m.kind}: ${m.names[0]}`);
        continue;
      }
      const named = m.names.some((n) => r.line.includes(n));
      if (r.code !== 1 || r.line.includes('\n') || !named || /Invalid input/.test(r.line) || r.line.includes(String.fromCharCode(27)))
        unclear.push(`${m.preset} ${m.kind} (${m.names.join(' | ')}): ${r.line}`);
    }
    const summary = {
      seed: SEED,
      tried: mutations.length,
      rejectedUpFront: mutations.length - silent.length,
      silentlyAccepted: silent.length,
      unclearMessages: unclear.length,
      byKind: Object.fromEntries(kinds),
    };
    console.log(`config fault injection: ${JSON.stringify(summary)}`);
    expect(silent, silent.join('\n')).toEqual([]);
    expect(unclear, unclear.join('\n')).toEqual([]);
    expect(mutations.length).toBeGreaterThan(500);
  });

  const bin = builtBin();
  it('the built binary exits 1 with one line on a sample of them', async () => {
    const rng = createRng(SEED).fork('spawn');
    const sample = [
      ...Array.from({ length: 5 }, () => mutations[rng.int(mutations.length - FLAG_MUTATIONS.length)]!),
      ...mutations.filter((m) => m.kind === 'bad flag').slice(0, 3),
    ];
    for (const [i, m] of sample.entries()) {
      const out = join(dir, `spawn-out-${i}`);
      let target = m.preset;
      if (m.yaml !== undefined) {
        target = join(dir, `spawn-${i}.yaml`);
        writeFileSync(target, m.yaml);
      }
      const r = await runAsync(process.execPath, [bin, 'run', target, '--out', out, '--backend', 'cpu', ...(m.args ?? [])]);
      expect(r.status, r.stderr).toBe(1);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(
        m.names.some((n) => lines[0]!.includes(n)),
        `${lines[0]} should name ${m.names.join(' | ')}`,
      ).toBe(true);
      expect(existsSync(out)).toBe(false);
    }
  });
});
