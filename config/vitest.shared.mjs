// Moved to @contrastive/test-utils/vitest (importable by package name, so copies of a package, e.g.
// StrykerJS sandboxes, resolve it too). Kept for configs that still import it by path.
export * from './test-utils/vitest.shared.mjs';
