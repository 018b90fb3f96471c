// Feasibility/timing: SimCLR-ish on FMNIST subset; probe + weighted kNN vs untrained. Not committed.
import * as tf from '@tensorflow/tfjs';
import { selectBackend, createRng } from '@contrastive/core';
import { loadFashionMnist } from '@contrastive/datasets/node';
import { subsetDataset } from '@contrastive/datasets';
import { compose, randomResizedCrop, horizontalFlip, colorJitter, randomApply, identity } from '@contrastive/augment';
import { convNet, mlp } from '@contrastive/nets';
import { contrastiveMethod, train } from '@contrastive/train';
import { linearProbeSync, weightedKnnSync } from '@contrastive/analysis';
import { useNativeKernels } from '@contrastive/native';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split('=')));
const perClass = Number(args.per ?? 200), testPer = Number(args.test ?? 100), width = Number(args.width ?? 0.25);
const epochs = Number(args.epochs ?? 3), batch = Number(args.batch ?? 128), seed = Number(args.seed ?? 0);
const aug = args.aug ?? 'both';
const loss = args.loss ?? 'simclr';
try { useNativeKernels?.(); } catch (e) { console.log('native', e.message); }
console.log('backend', await selectBackend(args.backend ?? 'wasm'));
const fm = await loadFashionMnist();
const pick = (ds, counts, k) => { const idx = []; let off = 0; for (const n of counts) { for (let i = 0; i < k; i++) idx.push(off + i); off += n; } return subsetDataset(ds, Int32Array.from(idx)); };
const trainSet = pick(fm.train, fm.trainCounts, perClass);
const testSet = pick(fm.test, fm.classCounts.map((c, i) => c - fm.trainCounts[i]), testPer);
const crop = randomResizedCrop({ scale: [0.3, 1], ratio: [3 / 4, 4 / 3], views: 2, seed });
const flip = horizontalFlip({ p: 0.5 });
const col = randomApply(0.8, colorJitter({ brightness: 0.4, contrast: 0.4 }));
const augment = aug === 'both' ? compose(crop, flip, col) : aug === 'crop' ? compose(crop, flip) : aug === 'color' ? compose(colorJitter({ brightness: 0.4, contrast: 0.4, views: 2, seed }), ) : identity({ views: 2 });
const encoder = convNet({ inputShape: [28, 28, 1], widthMultiplier: width, seed });
const projector = mlp({ inputDim: encoder.outputDim, hidden: [128], outputDim: 64, seed, name: 'projector' });
const method = contrastiveMethod({ encoder, projector, loss: 'supcon', supervised: loss === 'supcon', temperature: loss === 'supcon' ? 0.1 : 0.2 });
function feats(ds) {
  encoder.setTraining(false);
  const idx = Int32Array.from({ length: ds.length }, (_, i) => i);
  const out = []; const ys = [];
  for (let s = 0; s < ds.length; s += 256) {
    tf.tidy(() => { const b = ds.get(idx.subarray(s, s + 256)); out.push(encoder.apply(b.x).arraySync()); ys.push(...b.labels.dataSync()); });
  }
  encoder.setTraining(true);
  return { x: out.flat(), y: ys };
}
function evaluate(tag) {
  const t0 = performance.now();
  const a = feats(trainSet), b = feats(testSet);
  const p = linearProbeSync(a.x, a.y, b.x, b.y, {});
  const k20 = weightedKnnSync(a.x, a.y, b.x, b.y, { k: 20 });
  const k200 = weightedKnnSync(a.x, a.y, b.x, b.y, { k: 200 });
  console.log(tag, 'probe', p.testAccuracy.toFixed(3), 'knn20', k20.top1.toFixed(3), 'knn200', k200.top1.toFixed(3), 'eval s', ((performance.now() - t0) / 1000).toFixed(1));
}
evaluate('untrained');
const t0 = performance.now();
let n = 0;
for await (const e of train({ data: trainSet, augment, method, optimizer: { type: 'adam', lr: 1e-3 }, epochs, batchSize: batch, seed, logEvery: 10 })) {
  if (e.type === 'step') { n = e.step; console.log('step', e.step, e.steps, e.loss.toFixed(3), ((performance.now() - t0) / 1000 / e.step).toFixed(2), 's/step'); }
}
console.log('train s', ((performance.now() - t0) / 1000).toFixed(1));
evaluate('trained');
if (args.raw) { const a = { x: [], y: [] }; const f = (ds) => tf.tidy(() => { const b = ds.get(Int32Array.from({ length: ds.length }, (_, i) => i)); return { x: b.x.reshape([ds.length, -1]).arraySync(), y: Array.from(b.labels.dataSync()) }; });
  const A = f(trainSet), B = f(testSet); const t1 = performance.now(); const p = linearProbeSync(A.x, A.y, B.x, B.y, {}); console.log('raw probe', p.testAccuracy.toFixed(3), ((performance.now() - t1) / 1000).toFixed(1), 's'); }
