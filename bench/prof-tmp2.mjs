import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { complementaryMask } from '@contrastive/augment';
import { sparseCoding } from '@contrastive/data';
import { useNativeKernels } from '@contrastive/native';
import { symmetricRelu } from '@contrastive/nets';
import { contrastiveMethod, train } from '@contrastive/train';
await tf.setBackend('wasm'); useNativeKernels();
const s = { latentDim: 64, ambientDim: 512, width: 256, batchSize: 512 };
const data = sparseCoding({ ambientDim: s.ambientDim, latentDim: s.latentDim, sparsity: 0.1, noiseToSignal: 4, seed: 0 });
const encoder = symmetricRelu({ inputDim: s.ambientDim, width: s.width, threshold: 1.34 * data.noiseStd, unitNormRows: true, seed: 0 });
const method = contrastiveMethod({ encoder, loss: 'infonce', temperature: 0.1, normalize: false });
let n = 0; const t0 = performance.now();
for await (const e of train({ data, augment: complementaryMask({ keepProb: 0.5 }), method, optimizer: { type: 'sgd', lr: 0.05 }, steps: 300, batchSize: s.batchSize, seed: 0, evalAtStart: false })) { if (e.type === 'step') n++; }
console.log('ms/step', (performance.now() - t0) / n);
