// docs/getting-started.md, run as a newcomer would: its `js` code blocks, joined in order, are one
// ES module run with Node in the scratch app where the packed libraries were installed with npm
// (global-setup.ts), so the guide is tested against what `npm install` gives, not the workspace.
// The guide's `npm install` line must name every package its code imports.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import { describe, expect, inject, it } from 'vitest';
import { root, sh } from './global-setup';

const guide = readFileSync(join(root, 'docs', 'getting-started.md'), 'utf8');
const blocks = [...guide.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
const install = /^npm install (.+)$/m.exec(guide)?.[1]?.split(/\s+/) ?? [];

describe('docs/getting-started.md', () => {
  it('has code blocks and one npm install line naming every package the code imports', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    const imported = new Set(
      blocks.flatMap((b) =>
        [...b.matchAll(/from '([^']+)'|import '([^']+)'/g)]
          .map((m) => m[1] ?? m[2]!)
          .filter((s) => !s.startsWith('node:'))
          .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!)),
      ),
    );
    // Brought by @contrastive/train: core, nets, losses.
    const transitive = new Set(['@contrastive/core', '@contrastive/nets', '@contrastive/losses']);
    for (const pkg of imported) if (!transitive.has(pkg)) expect(install).toContain(pkg);
    expect(install).toContain('@contrastive/train');
  });

  it('runs from start to end against the installed packages, with the printed numbers', () => {
    const dir = join(inject('scratch'), 'app', 'getting-started');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'getting-started.mjs'), blocks.join('\n'));
    const out = sh('node', ['getting-started.mjs'], dir);
    expect(out).toContain('900 rows × 24 features, 3 classes');
    expect(out).toContain('4 items of shape [3]');
    expect(out).toMatch(/\[ntxent\] step 100\/300 {2}loss [\d.]+ {2}lr 0\.001/);
    expect(out).toContain('[supcon] done: 300 steps');
    const results = JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, number>;
    expect(Object.keys(results)).toEqual(['raw features', 'ntxent', 'supcon']);
    // Chance is 1/3; the guide quotes the numbers of this run.
    for (const v of Object.values(results)) expect(v).toBeGreaterThan(0.8);
    const quoted = /`(\{"raw features":[^`]+\})`/.exec(guide)?.[1];
    expect(JSON.parse(quoted!)).toEqual(results);
    const rows = readFileSync(join(dir, 'runs', 'ntxent.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(rows).toHaveLength(300);
    expect(JSON.parse(rows[0]!)).toMatchObject({ method: 'ntxent', step: 1, lr: 0.001 });
  });

  // A package README's `js` blocks, and its `ts runnable` ones (types stripped by esbuild), are
  // complete programs: each runs as its own module.
  const readmes = readdirSync(join(root, 'packages')).flatMap((pkg) => {
    const text = readFileSync(join(root, 'packages', pkg, 'README.md'), 'utf8');
    return [...text.matchAll(/```(js|ts runnable)\n([\s\S]*?)```/g)].map((m, i) => ({
      name: `${pkg}-${i}`,
      code: m[1] === 'js' ? m[2]! : transformSync(m[2]!, { loader: 'ts', format: 'esm' }).code,
    }));
  });
  it('the package READMEs have runnable examples', () => {
    expect(readmes.map((r) => r.name.replace(/-\d+$/, '')).sort()).toEqual(
      expect.arrayContaining(['analysis', 'augment', 'core', 'data', 'losses', 'nets', 'train']),
    );
  });
  it.each(readmes)('the README example $name runs against the installed packages', ({ name, code }) => {
    const dir = join(inject('scratch'), 'app', 'readmes');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name}.mjs`), code);
    sh('node', [`${name}.mjs`], dir);
  });
});
