import { hasTrainingMode } from '@contrastive/nets';
import type { Method } from './method';

/**
 * Puts every network of `method` that has train/eval modes (batch norm: `setTraining`) into
 * `training` mode and returns a function that puts each back into the mode it had. The loop trains
 * in train mode (batch statistics) and evaluates in eval mode (running statistics, which an
 * evaluation then cannot change), as PyTorch's `model.train()` / `model.eval()`.
 */
export function setTrainingMode(method: Method, training: boolean): () => void {
  const switched = Object.values(method.networks)
    .filter(hasTrainingMode)
    .filter((n) => n.training !== training);
  for (const n of switched) n.setTraining(training);
  return () => {
    for (const n of switched) n.setTraining(!training);
  };
}
