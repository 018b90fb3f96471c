import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
await tf.setBackend('wasm'); await tf.ready();
const S = tf.randomNormal([256, 256]); const u = tf.randomNormal([256, 64]);
async function prof(name, f) { f(); const p = await tf.profile(() => { f(); }); const agg = {}; for (const k of p.kernels) agg[k.name] = (agg[k.name] ?? 0) + k.kernelTimeMs; console.log(name, Object.entries(agg).sort((a,b)=>b[1]-a[1]).slice(0,5).map(([k,v])=>`${k}:${v.toFixed(2)}`).join(' ')); }
await prof('logSumExp grad', () => tf.tidy(() => tf.grad((x) => tf.sum(tf.logSumExp(x, 1)))(S)));
await prof('relu grad', () => tf.tidy(() => tf.grad((x) => tf.sum(tf.relu(x)))(u)));
await prof('softmax', () => tf.tidy(() => tf.softmax(S)));
await prof('equal broadcast', () => tf.tidy(() => tf.equal(S, tf.max(S, 1, true))));
await prof('equal same shape', () => tf.tidy(() => tf.equal(S, S)));
await prof('sub broadcast', () => tf.tidy(() => tf.sub(S, tf.max(S, 1, true))));
await prof('step', () => tf.tidy(() => tf.step(u)));
await prof('greater', () => tf.tidy(() => tf.greater(u, 0)));
