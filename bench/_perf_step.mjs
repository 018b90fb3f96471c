import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createRng, matMul } from '@contrastive/core';
const backend = process.argv[2] ?? 'wasm';
await tf.setBackend(backend); await tf.ready();
const [d, d1, m, B] = process.argv[3] === 'large' ? [64, 512, 256, 512] : [32, 256, 64, 256];
const rng = createRng(0);
const Mt = tf.tensor2d(rng.fillNormal(new Float32Array(d * d1)), [d, d1]);
const W = tf.variable(tf.tensor2d(rng.fillNormal(new Float32Array(m * d1), 0, 1 / Math.sqrt(d1)), [m, d1]));
const sigma = Math.sqrt(4 * 0.1 * d / d1), b = 1.34 * sigma, tau = 0.1, lr = 0.05;
const zbuf = new Float32Array(B * d), nbuf = new Float32Array(B * d1), mbuf = new Float32Array(B * d1);
function sampleJS() {
  for (let i = 0; i < zbuf.length; i++) { const u = rng.uniform(); zbuf[i] = u < 0.05 ? -1 : u < 0.1 ? 1 : 0; }
  rng.fillNormal(nbuf, 0, sigma); rng.fillBernoulli(mbuf, 0.5);
}
const symrelu = (x) => { const u = matMul(x, W, false, true); return tf.sub(tf.relu(tf.sub(u, b)), tf.relu(tf.sub(tf.neg(u), b))); };
function step() {
  sampleJS();
  tf.tidy(() => {
    const x = tf.add(matMul(tf.tensor2d(zbuf, [B, d]), Mt), tf.tensor2d(nbuf, [B, d1]));
    const D = tf.tensor2d(mbuf, [B, d1]);
    const x1 = tf.mul(tf.mul(x, D), 2), x2 = tf.mul(tf.sub(x, tf.mul(x, D)), 2);
    const { value, grads } = tf.variableGrads(() => {
      const h1 = symrelu(x1), h2 = symrelu(x2);
      const S = tf.div(matMul(h1, h2, false, true), tau);
      return tf.mean(tf.sub(tf.logSumExp(S, 1), tf.sum(tf.mul(S, tf.eye(B)), 1)));
    }, [W]);
    value.dataSync();
    const w2 = tf.sub(W, tf.mul(grads[W.name], lr));
    W.assign(tf.div(w2, tf.norm(w2, 'euclidean', 1, true)));
  });
}
for (let i = 0; i < 10; i++) step();
let t0 = performance.now(), n = 0;
while (performance.now() - t0 < 3000) { step(); n++; }
console.log(backend, process.argv[3] ?? 'small', (n / ((performance.now() - t0) / 1000)).toFixed(1), 'steps/s');
t0 = performance.now(); for (let i = 0; i < 50; i++) sampleJS(); console.log('sampleJS ms', ((performance.now() - t0) / 50).toFixed(2));
const prof = await tf.profile(() => { step(); });
const agg = {}; for (const k of prof.kernels) { agg[k.name] = (agg[k.name] ?? 0) + k.kernelTimeMs; }
console.log(Object.entries(agg).sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${k}:${v.toFixed(2)}`).join(' '), 'kernels', prof.kernels.length);
