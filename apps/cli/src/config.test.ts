import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobsOf, parseExperiment } from './config';
import { ConfigError } from './errors';
import { loadExperiment } from './load-config';

const minimal = {
  name: 'tiny',
  steps: 10,
  batchSize: 8,
  data: { type: 'sparseCoding', ambientDim: 16, latentDim: 4, sparsity: 0.2, noiseToSignal: 1 },
  encoder: { type: 'symmetricRelu', width: 8 },
  optimizer: { type: 'sgd', lr: 0.1 },
  arms: [
    { name: 'a', augment: { type: 'identity' } },
    { name: 'b', augment: { type: 'complementaryMask' }, data: { type: 'sparseCoding', denseRank: 2 } },
  ],
};
/** The one-line message of the ConfigError `f` throws. */
function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(ConfigError.isInstance(e), String(e)).toBe(true);
    const m = (e as Error).message;
    expect(m).not.toContain('\n');
    expect(m).not.toMatch(/Invalid input/);
    return m;
  }
  throw new Error('did not throw');
}
const bad = (patch: Record<string, unknown>) => messageOf(() => parseExperiment({ ...minimal, ...patch }));

describe('experiment config', () => {
  it('applies the packages’ defaults and expands arms × seeds, merging same-type sections', () => {
    const exp = parseExperiment({ ...minimal, seeds: [0, 1] });
    expect(exp.evalEvery).toBe(100);
    // The method's defaults are contrastiveMethodSchema's own.
    expect(exp.method).toMatchObject({ type: 'contrastive', loss: 'infonce', temperature: 0.1, normalize: true });
    expect(exp.schedule).toEqual({ type: 'constant' });
    const jobs = jobsOf(exp);
    expect(jobs.map((j) => `${j.arm}/${j.seed}`)).toEqual(['a/0', 'a/1', 'b/0', 'b/1']);
    expect(jobs[2]!.data).toMatchObject({ type: 'sparseCoding', ambientDim: 16, latentDim: 4, denseRank: 2 });
    expect(jobs[0]!.data).toMatchObject({ ambientDim: 16, denseRank: 0 });
    // Another type replaces the section instead of merging.
    const other = parseExperiment({ ...minimal, arms: [{ name: 'l', data: { type: 'labeledSparseCoding', ambientDim: 32 } }] });
    expect(jobsOf(other)[0]!.data).toEqual(expect.objectContaining({ type: 'labeledSparseCoding', ambientDim: 32, latentDim: 32 }));
    // Parsing a parsed experiment gives it back (config.json round trip, `compare`).
    expect(parseExperiment(JSON.parse(JSON.stringify(exp)))).toEqual(exp);
  });

  it('rejects unknown keys at every depth, with the path and a suggestion', () => {
    expect(bad({ chekcs: [] })).toMatch(/^config: chekcs: unknown key; did you mean 'checks'\?/);
    expect(bad({ method: { type: 'contrastive', temprature: 0.5 } })).toMatch(
      /method\.temprature: unknown key; did you mean 'temperature'\?/,
    );
    expect(bad({ optimizer: { type: 'sgd', lr: 0.1, momentm: 0.9 } })).toMatch(
      /optimizer\.momentm: unknown key; did you mean 'momentum'\?/,
    );
    expect(bad({ schedule: { type: 'cosine', warmupStep: 10 } })).toMatch(
      /schedule\.warmupStep: unknown key; did you mean 'warmupSteps'\?/,
    );
    expect(bad({ schedule: { type: 'step', milestones: [5], gama: 0.5 } })).toMatch(/schedule\.gama: unknown key; did you mean 'gamma'\?/);
    expect(bad({ arms: [{ name: 'a', augmnt: { type: 'identity' } }] })).toMatch(
      /arms\[0\]\.augmnt: unknown key; did you mean 'augment'\?/,
    );
    expect(bad({ arms: [{ name: 'a', method: { type: 'simsiam', stopGradiant: false } }] })).toMatch(
      /arms\[0\]\.method\.stopGradiant: unknown key; did you mean 'stopGradient'\?/,
    );
    expect(bad({ method: { type: 'directpred', rhoo: 0.3 } })).toMatch(/method\.rhoo: unknown key; did you mean 'rho'\?/);
    expect(bad({ augment: { type: 'compose', steps: [{ type: 'complementaryMask', keepPrb: 0.5 }] } })).toMatch(
      /augment\.steps\[0\]\.keepPrb: unknown key; did you mean 'keepProb'\?/,
    );
    expect(bad({ encoder: { type: 'symmetricRelu', width: 8, threshold: { type: 'constant', value: 1, unti: 'noiseStd' } } })).toMatch(
      /encoder\.threshold\.unti: unknown key; did you mean 'unit'\?/,
    );
    const check = { description: 'x', arm: 'a', metric: 'loss', op: '>' };
    expect(bad({ checks: [{ ...check, aggregrate: 'mean' }] })).toMatch(/checks\[0\]\.aggregrate: unknown key; did you mean 'aggregate'\?/);
    expect(bad({ checks: [{ ...check, relativeto: 'initial' }] })).toMatch(
      /checks\[0\]\.relativeto: unknown key; did you mean 'relativeTo'\?/,
    );
    expect(bad({ checks: [{ ...check, thann: 'b' }] })).toMatch(/checks\[0\]\.thann: unknown key; did you mean 'than'\?/);
    // Keys the CLI sets itself are not options of a config.
    expect(bad({ data: { ...minimal.data, seed: 3 } })).toMatch(/data\.seed: unknown key/);
    expect(bad({ encoder: { type: 'symmetricRelu', width: 8, inputDim: 16 } })).toMatch(/encoder\.inputDim: unknown key/);
  });

  it('names wrong types, out-of-range numbers and bad enum values with what came', () => {
    expect(bad({ steps: -1 })).toBe('config: steps: expected a number > 0, got -1');
    expect(bad({ steps: Infinity })).toBe('config: steps: expected a number, got Infinity');
    expect(bad({ batchSize: 1e9 })).toBe('config: batchSize: expected a number ≤ 65536, got 1000000000');
    expect(bad({ optimizer: { type: 'sgd', lr: 'fast' } })).toBe("config: optimizer.lr: expected a number, got 'fast'");
    expect(bad({ arms: [{ name: 'a', augment: { type: 'blur' } }] })).toMatch(
      /^config: arms\[0\]\.augment\.type: unknown type 'blur'; expected one of: identity, complementaryMask/,
    );
    expect(bad({ arms: [{ name: 'a', augment: { type: 'gaussianNoise', std: 1, unit: 'noisestd' } }] })).toBe(
      "config: arms[0].augment.unit: expected 'absolute' or 'noiseStd', got 'noisestd'; did you mean 'noiseStd'?",
    );
    expect(bad({ encoder: { type: 'symmetricRelu', width: 8, threshold: { type: 'constant', value: -1 } } })).toBe(
      'config: encoder.threshold.value: expected a number ≥ 0, got -1',
    );
    expect(bad({ encoder: { type: 'symmetricRelu', width: 8, threshold: 'high' } })).toBe(
      "config: encoder.threshold: expected a number or a mapping, got 'high'",
    );
    expect(bad({ name: 'Bad Name' })).toBe("config: name: expected lowercase letters, digits and dashes, got 'Bad Name'");
    expect(bad({ data: 5 })).toMatch(
      /^config: data: expected a mapping with a 'type' \(one of sparseCoding, labeledSparseCoding, hltm, latentMixing, fashionMnist, mnist, csv, npy, imageFolder\), got 5/,
    );
    expect(bad({ description: 'x'.repeat(10_001) })).toBe('config: description: expected at most 10000 characters, got 10001 characters');
    // Raw control characters from the file are escaped, never echoed.
    expect(bad({ optimizer: { type: 'sgd', lr: '\u001b[31mred' } })).toBe("config: optimizer.lr: expected a number, got '\\u001b[31mred'");
    expect(bad({ '\u001b]0;x\u0007': 1 })).toMatch(/^config: \["\\u001b\]0;x\\u0007"\]: unknown key/);
  });

  it('rejects duplicate seeds, arm names and colliding file slugs; checks name real arms', () => {
    expect(bad({ seeds: [0, 0] })).toBe('config: seeds[1]: seed 0 is listed twice (also at seeds[0]); seeds must differ');
    expect(bad({ arms: [{ name: 'a' }, { name: 'a' }] })).toBe("config: arms[1].name: duplicate arm name 'a'");
    expect(bad({ arms: [{ name: 'mask a' }, { name: 'mask-a' }] })).toBe(
      "config: arms[1].name: arm names 'mask a' and 'mask-a' share the file name 'mask-a'; rename one",
    );
    expect(bad({ arms: [{ name: 'Mask' }, { name: 'mask' }] })).toMatch(/arms\[1\]\.name: arm names 'Mask' and 'mask' share/);
    expect(bad({ arms: [{ name: '!!' }] })).toMatch(/arms\[0\]\.name: arm name '!!' needs a letter or digit/);
    const check = { description: 'x', arm: 'a', metric: 'loss', op: '>' };
    expect(bad({ checks: [{ ...check, arm: 'zzz' }] })).toBe("config: checks[0].arm: unknown arm 'zzz' (arms: 'a', 'b')");
    expect(bad({ checks: [{ ...check, than: 'a' }] })).toMatch(/checks\[0\]\.than: compares arm 'a' with itself/);
    expect(bad({ checks: [{ ...check, than: 'b', relativeTo: 'initial' }] })).toMatch(
      /checks\[0\]\.relativeTo: use either 'than' or 'relativeTo'/,
    );
    expect(bad({ evalEvery: 0, checks: [{ ...check, relativeTo: 'initial' }] })).toMatch(
      /checks\[0\]\.relativeTo: 'initial' needs the step-0 evaluation/,
    );
    expect(bad({ checks: [{ ...check, metric: 'atomRecovery.fractoin' }] })).toBe(
      "config: checks[0].metric: unknown metric 'atomRecovery.fractoin'; did you mean 'atomRecovery.fraction'?",
    );
    expect(bad({ checks: [{ ...check, metric: 'linearProbe.testAccuracy' }] })).toMatch(
      /checks\[0\]\.metric: arm 'a' produces no 'linearProbe\.testAccuracy': it needs labels/,
    );
    expect(bad({ checks: [{ ...check, arm: 'b', than: 'a', metric: 'denseMass.mean' }] })).toMatch(
      /checks\[0\]\.metric: arm 'a' produces no 'denseMass\.mean'/,
    );
    expect(() => parseExperiment({ ...minimal, checks: [{ ...check, arm: 'b', metric: 'denseMass.mean' }] })).not.toThrow();
    expect(bad({ evalSamples: 1 })).toBe('config: evalSamples: expected a number ≥ 64, got 1');
  });

  it('rejects contradictory options', () => {
    const supcon = { type: 'contrastive', loss: 'supcon' };
    const bad = (patch: Record<string, unknown>) => messageOf(() => parseExperiment({ ...minimal, arms: [{ name: 'a' }], ...patch }));
    expect(bad({ method: supcon })).toMatch(
      /^config: method\.supervised: supervised SupCon needs labels, and data 'sparseCoding' has none/,
    );
    expect(bad({ method: { type: 'contrastive', loss: 'infonce', supervised: true } })).toBe(
      "config: method.supervised: applies to loss 'supcon' only, but loss is 'infonce'; remove it",
    );
    expect(bad({ arms: [{ name: 'a', method: { type: 'contrastive', loss: 'ntxent', symmetric: true } }] })).toBe(
      "config: arms[0].method.symmetric: applies to loss 'infonce' only, but loss is 'ntxent'; remove it",
    );
    expect(bad({ augment: { type: 'dataPairs' } })).toMatch(/augment\.type: 'dataPairs' needs a data model that draws positive pairs/);
    expect(bad({ augment: { type: 'denseJitter' } })).toMatch(
      /augment\.type: denseJitter needs sparseCoding data with a dense part .*denseRank 0/,
    );
    expect(bad({ method: { type: 'byol' } })).toMatch(/method\.type: byol needs a 'predictor' head/);
    expect(bad({ predictor: { type: 'predictionHead' } })).toMatch(/^config: predictor: a contrastive method has no prediction head/);
    expect(bad({ method: { type: 'directpred' }, predictor: { type: 'linearPredictor' } })).toMatch(/predictor: DirectPred sets its own/);
    expect(bad({ encoder: { type: 'treeNetwork' } })).toMatch(/encoder\.type: treeNetwork mirrors an HLTM tree/);
    const mixing = { data: { type: 'latentMixing', dim: 4 }, augment: { type: 'dataPairs' }, arms: [{ name: 'a' }] };
    expect(bad({ ...mixing, arms: [{ name: 'a', augment: { type: 'gaussianNoise', std: 1, unit: 'noiseStd' } }] })).toMatch(
      /arms\[0\]\.augment\.unit: 'noiseStd' needs data with a noise std/,
    );
    expect(
      bad({ ...mixing, encoder: { type: 'symmetricRelu', width: 8, threshold: { type: 'constant', value: 1, unit: 'noiseStd' } } }),
    ).toMatch(/encoder\.threshold\.unit: 'noiseStd' needs/);
    expect(bad({ augment: { type: 'complementaryMask', views: 3 } })).toBe(
      "config: augment.views: loss 'infonce' uses 2 views; 3 would leave 1 unused (only supcon takes more)",
    );
    expect(bad({ augment: { type: 'identity', views: 1 } })).toBe('config: augment.views: training needs at least 2 views, got 1');
    expect(
      bad({ augment: { type: 'compose', steps: [{ type: 'complementaryMask' }, { type: 'gaussianNoise', std: 1, views: 4 }] } }),
    ).toMatch(/^config: augment\.steps\[1\]\.views: ignored: in compose the first step makes the views/);
    expect(() =>
      parseExperiment({
        ...minimal,
        data: { type: 'labeledSparseCoding' },
        augment: { type: 'independentMask', views: 4 },
        arms: [{ name: 'a' }],
        method: supcon,
      }),
    ).not.toThrow();
    expect(bad({ schedule: { type: 'cosine', warmupSteps: 10 } })).toBe(
      "config: schedule.warmupSteps: the warm-up (10 steps) does not end within the run's 10 steps",
    );
    expect(bad({ schedule: { type: 'step', milestones: [5, 20] } })).toBe(
      'config: schedule.milestones[1]: milestone 20 is never reached in 10 steps',
    );
    expect(bad({ schedule: { type: 'step', milestones: [5, 3] } })).toBe('config: schedule.milestones[1]: milestones must increase');
    // The same options are fine where they apply.
    expect(() =>
      parseExperiment({ ...minimal, data: { type: 'labeledSparseCoding' }, arms: [{ name: 'a' }], method: supcon }),
    ).not.toThrow();
    expect(() => parseExperiment({ ...minimal, ...mixing, encoder: { type: 'mlp', outputDim: 4 } })).not.toThrow();
  });
});

describe('loading files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const yaml =
    'name: tiny\nsteps: 10\nbatchSize: 8\ndata: {type: sparseCoding, ambientDim: 16, latentDim: 4, sparsity: 0.2, noiseToSignal: 1}\nencoder: {type: symmetricRelu, width: 8}\noptimizer: {type: sgd, lr: 0.1}\n';

  it('loads YAML and JSON files and presets, with CLI overrides', () => {
    expect(loadExperiment(file('exp.yaml', `${yaml}arms:\n  - name: a\n`), { steps: 5 }).steps).toBe(5);
    expect(loadExperiment(file('exp.json', JSON.stringify(minimal)), { seeds: [3] }).seeds).toEqual([3]);
    expect(loadExperiment('feature-decoupling', { size: 'large' }).batchSize).toBe(512);
  });

  it('merges YAML merge keys (<<: *anchor), and validates what they bring in', () => {
    const merged = loadExperiment(
      file('merge.yaml', `${yaml.replace('data: {', 'data: &d {')}arms:\n  - name: a\n  - name: b\n    data: {<<: *d, denseRank: 2}\n`),
    );
    expect(merged.arms[1]!.data).toMatchObject({ type: 'sparseCoding', ambientDim: 16, denseRank: 2 });
    const typo = messageOf(() =>
      loadExperiment(file('merge-typo.yaml', `${yaml}arms:\n  - &a {name: a, augmnt: {type: identity}}\n  - {<<: *a, name: b}\n`)),
    );
    expect(typo).toMatch(/merge-typo\.yaml: arms\[0\]\.augmnt: unknown key; did you mean 'augment'\?/);
    expect(messageOf(() => loadExperiment(file('merge-bad.yaml', `${yaml}arms:\n  - {<<: 5, name: a}\n`)))).toMatch(
      /merge-bad\.yaml: Merge sources must be maps/,
    );
    // In JSON '<<' is an ordinary (unknown) key.
    expect(messageOf(() => loadExperiment(file('merge.json', JSON.stringify({ ...minimal, '<<': {} }))))).toMatch(
      /merge\.json: \["<<"\]: unknown key/,
    );
  });

  it('the README example is a valid config', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
    const example = /```yaml\n([\s\S]*?)```/.exec(readme)![1]!;
    const exp = loadExperiment(file('readme.yaml', example));
    expect(exp.arms[1]!.data).toMatchObject({ type: 'sparseCoding', ambientDim: 256, denseRank: 16 });
  });

  it('turns parse failures into one clear line', () => {
    expect(messageOf(() => loadExperiment(file('bad.yaml', 'name: [unclosed')))).toMatch(
      /^cannot parse .*bad\.yaml at line 1, column \d+: /,
    );
    expect(messageOf(() => loadExperiment(file('dup.yaml', `${yaml}steps: 3\narms: [{name: a}]\n`)))).toMatch(
      /dup\.yaml at line 7, column 1: Map keys must be unique/,
    );
    expect(messageOf(() => loadExperiment(file('deep.yaml', `a: ${'['.repeat(20_000)}`)))).toMatch(
      /deep\.yaml: nested too deeply|deep\.yaml at line/,
    );
    expect(messageOf(() => loadExperiment(file('deep.json', `{"a": ${'['.repeat(20_000)}${']'.repeat(20_000)}}`)))).toMatch(/deep\.json/);
    // eslint-disable-next-line no-control-regex
    expect(messageOf(() => loadExperiment(file('ctl.yaml', 'name: "\u001b[2J\u001b]0;pwned\u0007"\n')))).not.toMatch(/[\u0000-\u001f]/);
    expect(messageOf(() => loadExperiment(file('list.yaml', '- 1\n')))).toMatch(
      /list\.yaml: expected a mapping at the top level, got a list/,
    );
    expect(messageOf(() => loadExperiment(file('tag.yaml', `${yaml}arms: !!foo [{name: a}]\n`)))).toMatch(
      /tag\.yaml at line 7, column \d+: Unresolved tag/,
    );
    expect(messageOf(() => loadExperiment('no-such-preset'))).toMatch(/neither a preset/);
    expect(messageOf(() => loadExperiment('feature-decoupling-lage'))).toMatch(
      /neither a preset nor a config file; did you mean 'feature-decoupling-large'\?/,
    );
    expect(messageOf(() => loadExperiment(dir))).toMatch(/is not a file/);
    expect(messageOf(() => loadExperiment('hltm', { size: 'large' }))).toMatch(/--size large: preset 'hltm' has no large variant/);
  });
});
