import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, parseOptions } from '@contrastive/core';
import * as z from 'zod/mini';

/** The options of `createOptimizer` (and `train`'s `optimizer`) as a strict zod schema: SGD (momentum, Nesterov, weight decay) or Adam/AdamW. A misspelt key is an error naming it. */
export const optimizerOptionsSchema = z.discriminatedUnion('type', [
  z.strictObject({
    /** Stochastic gradient descent. */
    type: z.literal('sgd'),
    /** Base learning rate (the schedule multiplies it). Required. */
    lr: z.number().check(z.positive()),
    /** Heavy-ball momentum μ (PyTorch convention: v ← μv + g, θ ← θ − lr·v). 0 = plain SGD. Default 0. */
    momentum: z._default(z.number().check(z.gte(0), z.lte(1)), 0),
    /** Nesterov momentum (θ ← θ − lr·(g + μv)). Default false. */
    nesterov: z._default(z.boolean(), false),
    /** L2 weight decay λ added to the gradient (g ← g + λθ), as PyTorch SGD. Default 0. */
    weightDecay: z._default(z.number().check(z.gte(0)), 0),
    /**
     * Learning-rate multipliers by network name (a key of the method's `networks`): `{ predictor: 10 }`
     * trains the predictor at 10 × lr, like a PyTorch parameter group (its weight decay scales with its
     * lr too). Networks not named train at lr. Default: none (one lr for every network).
     */
    lrMultipliers: z.optional(z.record(z.string(), z.number().check(z.positive()))),
  }),
  z.strictObject({
    /** Adam (Kingma & Ba 2015); with `weightDecay` AdamW. */
    type: z.literal('adam'),
    /** Base learning rate (the schedule multiplies it). Required. */
    lr: z.number().check(z.positive()),
    /** Decay of the first-moment (mean) estimate. Default 0.9. */
    beta1: z._default(z.number().check(z.gte(0), z.lte(1)), 0.9),
    /** Decay of the second-moment estimate. Default 0.999. */
    beta2: z._default(z.number().check(z.gte(0), z.lte(1)), 0.999),
    /** Added to √v̂ in the denominator. Default 1e-8. */
    epsilon: z._default(z.number().check(z.positive()), 1e-8),
    /** Decoupled weight decay (AdamW, Loshchilov & Hutter): θ ← θ − lr·λ·θ. 0 = plain Adam. Default 0. */
    weightDecay: z._default(z.number().check(z.gte(0)), 0),
    /**
     * Learning-rate multipliers by network name (a key of the method's `networks`): `{ predictor: 10 }`
     * trains the predictor at 10 × lr, like a PyTorch parameter group (its weight decay scales with its
     * lr too). Networks not named train at lr. Default: none (one lr for every network).
     */
    lrMultipliers: z.optional(z.record(z.string(), z.number().check(z.positive()))),
  }),
]);
/** Options of `createOptimizer` and `train`'s `optimizer` (fields with a default may be omitted). */
export type OptimizerOptions = z.input<typeof optimizerOptionsSchema>;

/** Serialisable optimizer state: the step count and every slot, in variable order. */
export interface OptimizerState {
  /** The optimizer type (`sgd` or `adam`); a state of another type is refused. */
  type: string;
  /** Updates applied so far (Adam's bias correction uses it). */
  iterations: number;
  /** Every slot tensor (momentum buffer, Adam moments), in variable order. */
  slots: Array<{
    /** The slot's shape (its variable's). */
    shape: number[];
    /** Its values, row-major. */
    values: number[];
  }>;
}

/**
 * A small first-order optimizer whose state (momentum / Adam moments) is plain tensors we can
 * checkpoint exactly, unlike tfjs's optimizers whose slots are keyed by variable name.
 */
export interface Optimizer {
  /** The options with defaults applied. */
  readonly options: z.output<typeof optimizerOptionsSchema>;
  /**
   * Applies one update to `variables` from `grads` (same order) at learning rate `lr`: one number,
   * or one per variable (parameter groups; `train` builds it from `lrMultipliers`).
   */
  apply(variables: readonly tf.Variable[], grads: readonly tf.Tensor[], lr: number | readonly number[]): void;
  /**
   * True when the update is plain SGD θ ← θ − lr·g (no momentum, no weight decay), which a method's
   * fused step (`Method.fusedSgdStep`) may apply itself; it then calls `recordUpdate()`.
   */
  readonly plainSgd: boolean;
  /** Counts an update a fused step applied (the checkpointed iteration count stays what `apply` makes it). */
  recordUpdate(): void;
  /** The state to checkpoint. */
  getState(): OptimizerState;
  /** Restores a state for `variables` (same order and shapes as when it was taken). */
  setState(state: OptimizerState, variables: readonly tf.Variable[]): void;
  /** Frees the slot tensors. */
  dispose(): void;
}

/** An optimizer (SGD with momentum/Nesterov/weight decay, or Adam/AdamW) whose state is exactly checkpointable. */
export function createOptimizer(options: OptimizerOptions): Optimizer {
  const opts = parseOptions('createOptimizer', optimizerOptionsSchema, options);
  let slots: tf.Variable[] = [];
  let iterations = 0;
  const perVar = opts.type === 'adam' ? 2 : opts.momentum > 0 ? 1 : 0;

  const ensureSlots = (variables: readonly tf.Variable[]) => {
    if (slots.length === variables.length * perVar) return;
    tf.dispose(slots);
    slots = variables.flatMap((v) => Array.from({ length: perVar }, () => tf.tidy(() => tf.variable(tf.zerosLike(v), false))));
  };

  return {
    options: opts,
    plainSgd: opts.type === 'sgd' && perVar === 0 && opts.weightDecay === 0,
    recordUpdate() {
      iterations++;
    },
    apply(variables, grads, lr) {
      if (grads.length !== variables.length) {
        throw new InvalidArgumentError({
          op: 'Optimizer.apply',
          argument: 'grads',
          expected: `${variables.length} gradients`,
          actual: grads.length,
        });
      }
      if (typeof lr !== 'number' && lr.length !== variables.length) {
        throw new InvalidArgumentError({
          op: 'Optimizer.apply',
          argument: 'lr',
          expected: `one learning rate or ${variables.length} (one per variable)`,
          actual: `${lr.length} learning rates`,
        });
      }
      ensureSlots(variables);
      iterations++;
      tf.tidy(() => {
        variables.forEach((v, i) => {
          const rate = typeof lr === 'number' ? lr : lr[i]!;
          let g = grads[i]!;
          if (opts.type === 'sgd') {
            if (opts.weightDecay > 0) g = tf.add(g, tf.mul(v, opts.weightDecay));
            if (perVar === 0) {
              v.assign(tf.sub(v, tf.mul(g, rate)));
              return;
            }
            const buf = slots[i]!;
            const next = iterations === 1 ? g : tf.add(tf.mul(buf, opts.momentum), g);
            buf.assign(next);
            const step = opts.nesterov ? tf.add(g, tf.mul(next, opts.momentum)) : next;
            v.assign(tf.sub(v, tf.mul(step, rate)));
          } else {
            const m = slots[2 * i]!;
            const s = slots[2 * i + 1]!;
            m.assign(tf.add(tf.mul(m, opts.beta1), tf.mul(g, 1 - opts.beta1)));
            s.assign(tf.add(tf.mul(s, opts.beta2), tf.mul(tf.square(g), 1 - opts.beta2)));
            const mHat = tf.div(m, 1 - opts.beta1 ** iterations);
            const sHat = tf.div(s, 1 - opts.beta2 ** iterations);
            let update = tf.div(mHat, tf.add(tf.sqrt(sHat), opts.epsilon));
            if (opts.weightDecay > 0) update = tf.add(update, tf.mul(v, opts.weightDecay));
            v.assign(tf.sub(v, tf.mul(update, rate)));
          }
        });
      });
    },
    getState() {
      return {
        type: opts.type,
        iterations,
        slots: slots.map((s) => ({ shape: s.shape.slice(), values: Array.from(s.dataSync()) })),
      };
    },
    setState(state, variables) {
      if (state.type !== opts.type) {
        throw new InvalidArgumentError({ op: 'Optimizer.setState', argument: 'state.type', expected: opts.type, actual: state.type });
      }
      // Before the first update the slots do not exist yet (they are created lazily, as zeros).
      if (state.iterations === 0 && state.slots.length === 0) {
        tf.dispose(slots);
        slots = [];
        iterations = 0;
        return;
      }
      ensureSlots(variables);
      if (state.slots.length !== slots.length) {
        throw new InvalidArgumentError({
          op: 'Optimizer.setState',
          argument: 'state.slots',
          expected: `${slots.length} slots`,
          actual: state.slots.length,
        });
      }
      state.slots.forEach((s, i) => {
        const slot = slots[i]!;
        if (s.shape.join() !== slot.shape.join()) {
          throw new InvalidArgumentError({
            op: 'Optimizer.setState',
            argument: `state.slots[${i}].shape`,
            expected: `[${slot.shape}]`,
            actual: s.shape,
          });
        }
        tf.tidy(() => slot.assign(tf.tensor(s.values, s.shape)));
      });
      iterations = state.iterations;
    },
    dispose() {
      tf.dispose(slots);
      slots = [];
    },
  };
}
