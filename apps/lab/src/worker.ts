// The lab's Web Worker: the tfjs engine and the training loop live here, off the page's thread.
import { initBrowserBackend } from './core/backend';
import type { MainToWorker, WorkerToMain } from './core/protocol';
import { createWorkerHost } from './core/worker-host';

const scope = self as unknown as { postMessage(m: WorkerToMain): void; onmessage: ((e: MessageEvent<MainToWorker>) => void) | null };
const host = createWorkerHost({ post: (m) => scope.postMessage(m), initBackend: initBrowserBackend });
scope.onmessage = (e) => void host.handle(e.data);
