import * as tf from '@tensorflow/tfjs';
import { convNet, createBatchNorm } from '@contrastive/nets';
await tf.setBackend('cpu');
const bn = createBatchNorm({ numFeatures: 4, name: 'x' });
let n = tf.memory().numTensors;
for (let i = 0; i < 3; i++) { tf.tidy(() => bn.apply(tf.ones([4, 3, 3, 4]), true)); console.log('bn', i, tf.memory().numTensors - n); }
const e2 = convNet({ inputShape: [8, 8, 1], channels: [4], strides: [1], batchNorm: false });
n = tf.memory().numTensors;
for (let i = 0; i < 2; i++) { tf.tidy(() => e2.apply(tf.zeros([4, 8, 8, 1]))); console.log('conv nobn', i, tf.memory().numTensors - n); }
const e3 = convNet({ inputShape: [8, 8, 1], channels: [4, 4], strides: [1, 2] });
n = tf.memory().numTensors;
for (let i = 0; i < 2; i++) { tf.tidy(() => e3.apply(tf.zeros([4, 8, 8, 1]))); console.log('conv 2 bn', i, tf.memory().numTensors - n); }
