import { createRng } from '@contrastive/core';
const r = createRng(0); const a = new Float32Array(65536 * 4);
for (const [name, f] of [['fillNormal', () => r.fillNormal(a)], ['fillUniform', () => r.fillUniform(a)], ['fillBernoulli', () => r.fillBernoulli(a, 0.5)]]) {
  f(); const t0 = performance.now(); for (let i = 0; i < 20; i++) f(); console.log(name, ((performance.now() - t0) / 20).toFixed(2), 'ms per 262k');
}
