import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, type Network, parseOptions, seedSchema } from '@contrastive/core';
import { mlp } from '@contrastive/nets';
import * as z from 'zod/mini';
import type { Method } from '../method';

/** The options of `supervisedMethod(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const supervisedMethodSchema = z.strictObject({
  /** Number of classes C: the linear head maps the encoder's output to C logits. Required unless a `head` is given. Default: none. */
  numClasses: z.optional(z.int().check(z.gte(2))),
  /** Seed of the linear head's initial weights (LeCun normal, zero bias). Default 0. */
  seed: z._default(seedSchema, 0),
});
/** Options of `supervisedMethod` (the input of its schema: a field with a default may be omitted). */
export type SupervisedMethodOptions = z.input<typeof supervisedMethodSchema> & {
  /** The encoder whose output is the learned representation. */
  encoder: Network;
  /** The classifier on the encoder output (logits [batch, C]); default a linear layer with bias. */
  head?: Network;
};

/** The supervised baseline: a `Method` whose `logits(x)` gives the classifier's output. */
export interface SupervisedMethod extends Method {
  /** Class scores [batch, C] of x (encoder, then head). */
  logits(x: tf.Tensor): tf.Tensor2D;
}

/**
 * The supervised cross-entropy baseline (SupCon paper's "cross-entropy" row, Khosla et al. 2020):
 * encoder → linear head on ONE view (`views[0]`, the augmented batch or the raw one), loss the mean
 * softmax cross-entropy −(1/B) Σ_i log softmax(logits_i)[y_i] with the batch's `labels`.
 *
 * @example
 * const method = supervisedMethod({ encoder: convNet({ inputShape: [28, 28, 1] }), numClasses: 10 });
 */
export function supervisedMethod(options: SupervisedMethodOptions): SupervisedMethod {
  const op = 'supervisedMethod';
  const { encoder, head: given, ...rest } = options ?? ({} as SupervisedMethodOptions);
  if (!encoder || typeof encoder.apply !== 'function')
    throw new InvalidArgumentError({ op, argument: 'encoder', expected: 'a Network', actual: encoder });
  if (given !== undefined && typeof given?.apply !== 'function')
    throw new InvalidArgumentError({ op, argument: 'head', expected: 'a Network', actual: given });
  const o = parseOptions(op, supervisedMethodSchema, rest);
  if (!given && o.numClasses === undefined) {
    throw new InvalidArgumentError({
      op,
      argument: 'numClasses',
      expected: 'the number of classes (or a head network)',
      actual: undefined,
    });
  }
  const head =
    given ?? mlp({ inputDim: encoder.outputDim, hidden: [], outputDim: o.numClasses!, init: 'lecun', seed: o.seed, name: 'classifier' });
  if (head.inputDim !== encoder.outputDim) {
    throw new InvalidArgumentError({
      op,
      argument: 'head.inputDim',
      expected: `the encoder's outputDim ${encoder.outputDim}`,
      actual: head.inputDim,
    });
  }
  const classes = head.outputDim;
  const networks: Record<string, Network> = { encoder, head };
  const logits = (x: tf.Tensor) => head.apply(encoder.apply(x));
  return {
    name: 'supervised',
    networks,
    trainableVariables: () => [...encoder.variables, ...head.variables],
    loss(views, batch) {
      const labels = batch['labels'];
      if (!labels) {
        throw new InvalidArgumentError({
          op,
          argument: 'batch.labels',
          expected: "labels [batch] (a Dataset, or a data model whose samples carry 'labels')",
          actual: undefined,
        });
      }
      const y = labels.dataSync();
      const bad = y.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= classes);
      if (bad >= 0)
        throw new InvalidArgumentError({ op, argument: `batch.labels[${bad}]`, expected: `a class in 0..${classes - 1}`, actual: y[bad] });
      return tf.tidy(() => {
        const logP = tf.logSoftmax(logits(views[0]!));
        const oneHot = tf.oneHot(tf.cast(labels, 'int32') as tf.Tensor1D, classes);
        return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, logP), 1))) as tf.Scalar;
      });
    },
    embed: (x) => encoder.apply(x),
    logits,
    dispose() {
      for (const n of Object.values(networks)) n.dispose();
    },
  };
}
