import * as tf from '@tensorflow/tfjs';
import { it } from 'vitest';
import { convNet, projectionHead, predictionHead } from '@contrastive/nets';
import { imageViews, buildImageMethod } from '../src/core/image-session';
import { imageJobs } from '../src/core/image-settings';
const job = imageJobs({ width: 0.125 })[0]!;
it('leak2', async () => {
  let b = tf.memory().numTensors;
  imageViews(); console.log('views', tf.memory().numTensors - b);
  b = tf.memory().numTensors;
  buildImageMethod(job, [12, 12, 1]).dispose(); console.log('method', tf.memory().numTensors - b);
  b = tf.memory().numTensors;
  const e = convNet({ inputShape: [12, 12, 1], widthMultiplier: 0.125 }); e.dispose(); console.log('convNet', tf.memory().numTensors - b);
  b = tf.memory().numTensors;
  const p = projectionHead({ inputDim: 16, hiddenDim: 16, outputDim: 16 }); p.dispose(); console.log('proj', tf.memory().numTensors - b);
  b = tf.memory().numTensors;
  const q = predictionHead({ dim: 16 }); q.dispose(); console.log('pred', tf.memory().numTensors - b);
}, 100000);
