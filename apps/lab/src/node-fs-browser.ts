// Browser stand-in for node:fs (aliased in vite.config.ts). apps/cli/src/results.ts, whose
// `summarize` and `runResultsSchema` the lab uses, also holds `readRunFile`, which imports
// `readFileSync` at module level; Vite's dev server turns that import of an externalised module
// into an error at load time. The lab never reads files through it.
export function readFileSync(path: string): never {
  throw new Error(`readFileSync('${path}'): there is no file system in the browser`);
}

export default { readFileSync };
