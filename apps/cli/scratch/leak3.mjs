import * as tf from '@tensorflow/tfjs';
import { convNet } from '@contrastive/nets';
await tf.setBackend('cpu');
const e2 = convNet({ inputShape: [28, 28, 1], widthMultiplier: 0.25 });
let n = tf.memory().numTensors;
for (let i = 0; i < 3; i++) { tf.tidy(() => e2.apply(tf.zeros([4, 28, 28, 1]))); console.log('apply', i, tf.memory().numTensors - n); }
