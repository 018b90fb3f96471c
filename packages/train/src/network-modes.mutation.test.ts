// setTrainingMode switches only the networks that have train/eval modes and are in the other mode,
// and its undo puts back exactly those (PyTorch's model.train() / model.eval() semantics per module).
import { describe, expect, it } from 'vitest';
import type { Method } from './method';
import { setTrainingMode } from './network-modes';

function modal(training: boolean, calls: string[], name: string) {
  const n = {
    training,
    setTraining(t: boolean) {
      calls.push(`${name}:${t}`);
      n.training = t;
    },
  };
  return n;
}

describe('setTrainingMode', () => {
  it('switches the networks in the other mode, leaves the rest, and undoes only its own switches', () => {
    const calls: string[] = [];
    const a = modal(true, calls, 'a');
    const b = modal(false, calls, 'b');
    const c = modal(false, calls, 'c');
    const plain = { apply: () => undefined };
    const method = { networks: { a, b, plain, c } } as unknown as Method;
    const undo = setTrainingMode(method, false);
    expect(calls).toEqual(['a:false']);
    expect([a.training, b.training, c.training]).toEqual([false, false, false]);
    undo();
    expect(calls).toEqual(['a:false', 'a:true']);
    expect([a.training, b.training, c.training]).toEqual([true, false, false]);

    calls.length = 0;
    const undoTrain = setTrainingMode(method, true);
    expect(calls).toEqual(['b:true', 'c:true']);
    undoTrain();
    expect(calls).toEqual(['b:true', 'c:true', 'b:false', 'c:false']);
    expect([a.training, b.training, c.training]).toEqual([true, false, false]);
  });
});
