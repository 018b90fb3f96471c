// Proves that `npm install` of individual packages works for a user outside this workspace: the
// tarballs (packed and installed by global-setup.ts) run a loss on real tensors from both ESM and
// CommonJS, and the opt-in native package compiles at its own install.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { libraries, root, sh, tarballs, tfjsVersion } from './global-setup';

const scratch = inject('scratch');

describe('packed packages installed with npm in a scratch project', () => {
  it('every library packs with dist (ESM, CJS, d.ts) and no bundled tfjs', () => {
    for (const lib of libraries) {
      const dist = join(root, 'packages', lib, 'dist');
      const files = readdirSync(dist);
      expect(files, lib).toEqual(expect.arrayContaining(['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts']));
      // index.js and the chunks tsup splits out of it (packages with several entries share chunks).
      const js = files
        .filter((f) => f.endsWith('.js'))
        .map((f) => readFileSync(join(dist, f), 'utf8'))
        .join('\n');
      // tfjs-core's engine is ~100 kB on its own; a library that bundled it would be far larger
      // and would contain its source. Ours must only import it.
      expect(statSync(join(dist, 'index.js')).size, `${lib} dist size`).toBeLessThan(150_000);
      expect(js).not.toMatch(/class Engine\b|ENGINE_SCOPE_NAME|"Platform node has already been set"/);
      if (/@tensorflow\/tfjs-core/.test(readFileSync(join(root, 'packages', lib, 'package.json'), 'utf8'))) {
        expect(js, lib).toMatch(/from ["']@tensorflow\/tfjs-core["']/);
      }
    }
  });

  it('ESM: runs supConLoss and infoNCELoss on real tensors (identical features ⇒ log(2N−1))', () => {
    const app = join(scratch, 'app');
    writeFileSync(
      join(app, 'esm.mjs'),
      `import * as tf from '@tensorflow/tfjs';
       import { supConLoss, infoNCELoss } from '@contrastive/losses';
       import { createRng } from '@contrastive/core';
       await tf.setBackend('cpu');
       const n = 4;
       const same = tf.ones([n, 2, 8]);
       const simclr = supConLoss(same, { temperature: 0.5 }).dataSync()[0];
       const rng = createRng(1);
       const a = tf.tensor2d(rng.fillNormal(new Float32Array(32)), [4, 8]);
       const nce = infoNCELoss(a, a, { temperature: 0.1 }).dataSync()[0];
       const grads = tf.grad((x) => supConLoss(tf.reshape(x, [4, 2, 4]), { labels: [0, 0, 1, 1] }))(tf.tensor(rng.fillNormal(new Float32Array(32)), [4, 8]));
       console.log(JSON.stringify({ simclr, expected: Math.log(2 * n - 1), nce, grad: Array.from(grads.dataSync()).every(Number.isFinite), tensors: tf.memory().numTensors }));`,
    );
    const out = JSON.parse(sh('node', ['esm.mjs'], app).trim().split('\n').pop()!);
    expect(out.simclr).toBeCloseTo(out.expected, 5);
    expect(Number.isFinite(out.nce)).toBe(true);
    expect(out.grad).toBe(true);
  });

  it('native: the tarball compiles its addon at npm install and the fused step runs (ESM and CJS)', () => {
    const app = join(scratch, 'app');
    writeFileSync(
      join(app, 'native.cjs'),
      `const { nativeInfo, sgemm } = require('@contrastive/native');
       const c = sgemm(Float32Array.from([1, 2, 3, 4]), Float32Array.from([1, 0, 0, 1]), 2, 2, 2);
       console.log(JSON.stringify({ info: nativeInfo(), c: Array.from(c) }));`,
    );
    writeFileSync(
      join(app, 'native.mjs'),
      `import { symmetricReluInfoNCE } from '@contrastive/native';
       const x = new Float32Array(8 * 4);
       const { loss } = symmetricReluInfoNCE(x, x, new Float32Array(3 * 4).fill(0.5), { batch: 8, inputDim: 4, width: 3 }, { threshold: 0.1, temperature: 0.1 });
       console.log(JSON.stringify({ loss, expected: Math.log(8) }));`,
    );
    const cjs = JSON.parse(sh('node', ['native.cjs'], app).trim().split('\n').pop()!);
    expect(cjs.info.available, cjs.info.reason).toBe(true);
    expect(cjs.info.path).toContain(join('node_modules', '@contrastive', 'native', 'build'));
    expect(cjs.c).toEqual([1, 2, 3, 4]);
    const esm = JSON.parse(sh('node', ['native.mjs'], app).trim().split('\n').pop()!);
    expect(esm.loss).toBeCloseTo(esm.expected, 6); // all-zero features: every logit equal ⇒ log B
  });

  it('CommonJS: require() works and errors are typed', () => {
    const app = join(scratch, 'app');
    writeFileSync(
      join(app, 'cjs.cjs'),
      `const tf = require('@tensorflow/tfjs');
       const { supConLoss } = require('@contrastive/losses');
       const { ContrastiveError } = require('@contrastive/core');
       tf.setBackend('cpu').then(() => {
         let caught;
         try { supConLoss(tf.ones([4, 8])); } catch (e) { caught = e; }
         console.log(JSON.stringify({ isContrastive: ContrastiveError.isInstance(caught), message: String(caught && caught.message) }));
       });`,
    );
    const out = JSON.parse(sh('node', ['cjs.cjs'], app).trim().split('\n').pop()!);
    expect(out.isContrastive).toBe(true);
    expect(out.message).toMatch(/supConLoss/);
  });

  it('a clean npm install of @contrastive/train runs no install script: no native addon, no package with an install hook', () => {
    const dir = join(scratch, 'train-only');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'train-only', private: true, version: '1.0.0' }));
    const tgz = tarballs(scratch);
    // train and the @contrastive packages it depends on, as tarballs (the registry has none of them
    // yet), with its peers and a backend. (The full @tensorflow/tfjs would bring core-js and its
    // postinstall: the user's choice, not ours.)
    const v = tfjsVersion();
    const log = sh(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--foreground-scripts',
        `@tensorflow/tfjs-core@${v}`,
        `@tensorflow/tfjs-backend-cpu@${v}`,
        tgz['train']!,
        tgz['core']!,
        tgz['nets']!,
        tgz['losses']!,
      ],
      dir,
      { npm_config_loglevel: 'info' },
    );
    expect(existsSync(join(dir, 'node_modules', '@contrastive', 'native')), 'native installed').toBe(false);
    // Every installed package.json: none declares a hook npm would run at install (nor a binding.gyp,
    // for which npm runs node-gyp implicitly).
    const hooks: string[] = [];
    const visit = (d: string) => {
      for (const name of readdirSync(d)) {
        if (name.startsWith('.')) continue;
        const p = join(d, name);
        if (name.startsWith('@')) visit(p);
        else if (existsSync(join(p, 'package.json'))) {
          const scripts = JSON.parse(readFileSync(join(p, 'package.json'), 'utf8')).scripts ?? {};
          for (const hook of ['preinstall', 'install', 'postinstall']) if (scripts[hook]) hooks.push(`${name} ${hook}: ${scripts[hook]}`);
          if (existsSync(join(p, 'binding.gyp'))) hooks.push(`${name}: binding.gyp`);
          if (existsSync(join(p, 'node_modules'))) visit(join(p, 'node_modules'));
        }
      }
    };
    visit(join(dir, 'node_modules'));
    expect(hooks).toEqual([]);
    // npm prints "> pkg@v install" for each script it runs in the foreground.
    expect(log).not.toMatch(/^> .*(preinstall|install|postinstall)$/m);
    // And the installed library trains with the fused step registry empty: the tfjs path.
    writeFileSync(
      join(dir, 'run.mjs'),
      `import * as tf from '@tensorflow/tfjs-core';
       import '@tensorflow/tfjs-backend-cpu';
       import { contrastiveMethod } from '@contrastive/train';
       import { symmetricRelu } from '@contrastive/nets';
       await tf.setBackend('cpu');
       const m = contrastiveMethod({ encoder: symmetricRelu({ inputDim: 4, width: 2, seed: 0 }), loss: 'infonce', normalize: false });
       let err; try { contrastiveMethod({ encoder: symmetricRelu({ inputDim: 4, width: 2, seed: 0, name: 'b' }), normalize: false, kernels: 'native' }); } catch (e) { err = e.message; }
       console.log(JSON.stringify({ engine: m.engine, err }));`,
    );
    const out = JSON.parse(sh('node', ['run.mjs'], dir).trim().split('\n').pop()!);
    expect(out.engine).toBe('tfjs');
    expect(out.err).toMatch(/call useNativeKernels\(\) from it/);
  });
});
