/**
 * Node-only: the file checkpoint store, atomic writes, and the log files (metrics.jsonl, CSV, TensorBoard).
 *
 * @packageDocumentation
 * @module @contrastive/train/node
 */
// Node-only entry (`@contrastive/train/node`): everything that touches the file system.
// Kept out of the default entry so browser bundles of `@contrastive/train` never reach a Node built-in.
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, parse } from 'node:path';
import { type Checkpoint, CheckpointError, type CheckpointStore } from './checkpoint';
import { fsError } from './fs-error';

/**
 * A JSON file store for Node. Writes to a temp file beside `path`, fsyncs, then renames over `path`
 * (rename is atomic on POSIX), so a killed process leaves either the old or the new checkpoint.
 * A file that is not JSON (truncated, garbage, empty) is a `CheckpointError` naming `path`.
 */
export function fileCheckpointStore(path: string): CheckpointStore {
  return {
    location: path,
    async load() {
      let bytes: Buffer;
      try {
        bytes = await readFile(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw fsError('read', path, e);
      }
      try {
        return JSON.parse(bytes.toString()) as Checkpoint;
      } catch (e) {
        throw new CheckpointError({
          location: path,
          reason: `is not valid JSON (${bytes.length === 0 ? 'empty' : 'truncated or garbage'}, ${bytes.length} bytes): ${(e as Error).message}`,
          cause: e,
        });
      }
    },
    async save(c) {
      await writeFileAtomic(path, JSON.stringify(c));
    },
  };
}

/**
 * Writes `data` to `path` atomically (temp file in the same directory + fsync + rename).
 * On any failure the temp file is removed and the error names `path` and the errno.
 */
export async function writeFileAtomic(path: string, data: string): Promise<void> {
  await makeDirectory(dirname(path));
  const tmp = `${path}.tmp-${process.pid}-${Math.floor(performance.now() * 1000)}`;
  try {
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(data); // a string is written as UTF-8
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp).catch(() => undefined); // absent when the open failed
    throw fsError('write', path, e);
  }
}

/**
 * `mkdir -p` whose error names the directory and the real errno: Node's recursive mkdir reports
 * ENOENT when a missing parent cannot be created (on a read-only file system it is EROFS, without
 * permission EACCES), so on failure each missing component is created in turn to learn why.
 */
export async function makeDirectory(path: string): Promise<void> {
  try {
    await mkdir(path, { recursive: true });
    return;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw fsError('create the directory', path, e);
    const missing: string[] = [];
    const root = parse(path).root;
    for (let p = path; p !== root && !(await exists(p)); p = dirname(p)) missing.unshift(p);
    for (const p of missing) {
      try {
        await mkdir(p);
      } catch (inner) {
        if ((inner as NodeJS.ErrnoException).code !== 'EEXIST') throw fsError('create the directory', p, inner);
      }
    }
    throw fsError('create the directory', path, e);
  }
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

export { csvFile, jsonLinesFile, readJsonLines, tensorBoardFile } from './log-files';
