import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { complementaryMask } from '@contrastive/augment';
import { createRng } from '@contrastive/core';
import { sparseCoding } from '@contrastive/data';
import { useNativeKernels, symmetricReluInfoNCE } from '@contrastive/native';
await tf.setBackend('wasm');
useNativeKernels();
const time = (f) => { for (let i=0;i<3;i++) f(); const t0=performance.now(); let n=0; while (performance.now()-t0<1500) { f(); n++; } return ((performance.now()-t0)/n).toFixed(3); };
for (const [d,d1,m,B] of [[32,256,64,256],[64,512,256,512]]) {
  const data = sparseCoding({ ambientDim: d1, latentDim: d, sparsity: 0.1, noiseToSignal: 4, seed: 0 });
  const aug = complementaryMask({ keepProb: 0.5, seed: 0 });
  const rng = createRng(0);
  console.log(d1, 'sample', time(() => tf.tidy(()=>{ const b = data.sample(B, rng); b.x.dataSync(); })));
  console.log(d1, 'sample+aug+sync', time(() => tf.tidy(()=>{ const b = data.sample(B, rng); const v = aug.apply(b.x, rng); v[0].dataSync(); v[1].dataSync(); })));
  const x1 = rng.fillNormal(new Float32Array(B*d1)), x2 = rng.fillNormal(new Float32Array(B*d1)), w = rng.fillNormal(new Float32Array(m*d1), 0, 0.05);
  console.log(d1, 'fused', time(() => symmetricReluInfoNCE(x1,x2,w,{batch:B,inputDim:d1,width:m},{threshold:0.3,temperature:0.1})));
}
