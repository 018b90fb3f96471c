// The image-model pictures: first-layer filters of a conv encoder, the BMP images the report
// inlines, the PCA scatter, on numbers worked out by hand.
import * as tf from '@tensorflow/tfjs';
import { convNet } from '@contrastive/nets';
import { describe, expect, it } from 'vitest';
import { decodeBytes, firstLayerFilters, imageBytes, pca2 } from './pictures';
import { augmentationPreview, bmpDataUri, filterGrid, labelScatter } from './report';

describe('image pictures', () => {
  it('imageBytes clips to [0, 1] and rounds to bytes; decodeBytes reads them back', () => {
    expect(Array.from(decodeBytes(imageBytes([0, 0.5, 1, -1, 2, Number.NaN])))).toEqual([0, 128, 255, 0, 255, 0]);
  });

  it('bmpDataUri writes a bottom-up 24-bit BMP with 4-byte row padding (grey and RGB)', () => {
    const grey = Buffer.from(bmpDataUri(Uint8Array.from([10, 20, 30, 40, 50, 60]), 2, 3, 1).split(',')[1]!, 'base64');
    expect(grey.toString('latin1', 0, 2)).toBe('BM');
    expect([grey.readInt32LE(18), grey.readInt32LE(22), grey.readUInt16LE(28)]).toEqual([3, 2, 24]);
    const stride = 12; // 3 pixels × 3 bytes = 9, padded to 12
    expect(grey.length).toBe(54 + 2 * stride);
    // The first stored row is the bottom image row (40, 50, 60), each grey value as B = G = R.
    expect(Array.from(grey.subarray(54, 54 + 9))).toEqual([40, 40, 40, 50, 50, 50, 60, 60, 60]);
    const rgb = Buffer.from(bmpDataUri(Uint8Array.from([255, 0, 10]), 1, 1, 3).split(',')[1]!, 'base64');
    expect(Array.from(rgb.subarray(54, 57))).toEqual([10, 0, 255]); // BGR
  });

  it('firstLayerFilters min–max scales each filter of the first conv layer [k, k, in, out]', async () => {
    await tf.setBackend('cpu');
    const net = convNet({ inputShape: [8, 8, 1], channels: [3, 4], strides: [1, 2], seed: 3 });
    const f = firstLayerFilters(net)!;
    expect([f.size, f.channels, f.images.length]).toEqual([3, 1, 3]);
    const w = net.variables.find((v) => v.rank === 4)!.arraySync() as number[][][][];
    const filter1 = w.flatMap((row) => row.map((col) => col[0]![1]!));
    const lo = Math.min(...filter1);
    const hi = Math.max(...filter1);
    expect(Array.from(decodeBytes(f.images[1]!))).toEqual(filter1.map((v) => Math.round((255 * (v - lo)) / (hi - lo))));
    expect(firstLayerFilters(undefined)).toBeUndefined();
    net.dispose();
  });

  it('pca2 projects on the top two principal directions (points on a tilted line → y ≈ 0)', () => {
    // Points along (3, 4)/5 with a small, uncorrelated spread along (−4, 3)/5.
    const x: number[] = [];
    for (const [t, s] of [
      [-2, 0.1],
      [-1, -0.1],
      [0, 0],
      [1, -0.1],
      [2, 0.1],
    ])
      x.push((3 * t! - 4 * s!) / 5, (4 * t! + 3 * s!) / 5);
    const p = pca2(x, 5, 2);
    expect(p.x).toEqual([-2, -1, 0, 1, 2].map((v) => expect.closeTo(v, 2)));
    // Uncorrelated with t and centred: |y| = |s|.
    expect(p.y.map((v) => Math.abs(v))).toEqual([0.1, 0.1, 0, 0.1, 0.1].map((v) => expect.closeTo(v, 3)));
  });

  it('renders the grid, the preview and the scatter as inline images and SVG', () => {
    const grid = filterGrid('SimCLR', { size: 3, channels: 1, images: [imageBytes(Array(9).fill(0.5)), imageBytes(Array(9).fill(1))] });
    expect(grid.match(/<img src="data:image\/bmp;base64,/g)).toHaveLength(2);
    const preview = augmentationPreview('views', {
      shape: [2, 2, 1],
      images: [imageBytes([0, 1, 0, 1])],
      views: [[imageBytes([1, 1, 1, 1])], [imageBytes([0, 0, 0, 0])]],
    });
    expect(preview).toContain('view 2');
    const scatter = labelScatter('emb', { x: [0, 1], y: [1, 0], labels: [0, 3], classNames: ['a', 'b', 'c', 'dress'] });
    expect(scatter.match(/<circle /g)).toHaveLength(4); // 2 points + 2 legend entries
    expect(scatter).toContain('dress');
  });
});
