// The page: a thin UI over the lab core (settings → jobs → worker → run store → plots).
import './style.css';
import { COMPARE_METHODS } from './core/cli';
import type { BackendRequest, MainToWorker, WorkerToMain } from './core/protocol';
import type { ViewPreview } from './core/image-session';
import { IMAGE_DATA_FILE, IMAGE_METHODS, imageJobs, parseImageSettings, type ImageMethod } from './core/image-settings';
import { parseResultsFile, pickResultsFile } from './core/results-file';
import { compareExperiment, decouplingJob, parseDecouplingSettings, type DecouplingSettingsInput } from './core/settings';
import { createRunStore, latest, runResults, type JobState, type RunState } from './core/store';
import { $, el } from './ui/dom';
import { heatmapChart, lineChart, scatterChart, thin, type Point } from './ui/plots';
import { renderReport } from './ui/report';

const params = new URLSearchParams(location.search);
const backendRequest = (params.get('backend') ?? 'auto') as BackendRequest;
const store = createRunStore();
const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (m: MainToWorker) => worker.postMessage(m);
const pongs = new Map<number, (t: number) => void>();
worker.onmessage = (e: MessageEvent<WorkerToMain>) => {
  if (e.data.type === 'pong') pongs.get(e.data.id)?.(performance.now());
  else if (e.data.type === 'preview') drawPreview(e.data.id, e.data.preview);
  else if (e.data.type === 'preview-error') {
    store.error(e.data.message);
    $('preview-grid').textContent = e.data.message;
  } else store.apply(e.data);
};
worker.onerror = (e) => store.error(`worker: ${e.message}`);
window.addEventListener('error', (e) => store.error(String(e.message)));
window.addEventListener('unhandledrejection', (e) => store.error(String(e.reason)));

let pingId = 0;
/** Round trip page → worker → page in ms (the worker answers between training slices). */
const ping = () =>
  new Promise<number>((resolve) => {
    const id = ++pingId;
    const t0 = performance.now();
    pongs.set(id, (t) => {
      pongs.delete(id);
      resolve(t - t0);
    });
    send({ type: 'ping', id });
  });

/** The augmentation preview on screen: its seed and how many images it shows (the e2e tests read it). */
const preview = { seed: 0, requested: 0, drawn: 0, images: 0 };
// The page's own state, for the end-to-end tests and the curious (devtools: __lab.state).
Object.assign(window, { __lab: { state: store.state, store, send, ping, clicks: 0, preview } });

const threads = Number(params.get('threads')) || undefined;
send({ type: 'init', backend: backendRequest, wasmPath: new URL('tfjs-wasm/', document.baseURI).href, ...(threads ? { threads } : {}) });

// ---- header: views and backend
const backendSelect = $<HTMLSelectElement>('backend-select');
backendSelect.value = backendRequest;
backendSelect.onchange = () => {
  params.set('backend', backendSelect.value);
  location.search = params.toString();
};
for (const b of document.querySelectorAll<HTMLButtonElement>('nav button')) {
  b.onclick = () => {
    (window as unknown as { __lab: { clicks: number } }).__lab.clicks++;
    for (const o of document.querySelectorAll<HTMLButtonElement>('nav button')) o.classList.toggle('active', o === b);
    for (const v of document.querySelectorAll<HTMLElement>('.view')) v.hidden = v.id !== `view-${b.dataset['view']}`;
    if (b.dataset['view'] === 'images' && !preview.requested) requestPreview(preview.seed);
    schedule();
  };
}

// ---- feature decoupling
const defaults = parseDecouplingSettings();
const inputs = {
  augment: $<HTMLSelectElement>('augment'),
  temperature: $<HTMLInputElement>('temperature'),
  width: $<HTMLInputElement>('width'),
  lr: $<HTMLInputElement>('lr'),
  seed: $<HTMLInputElement>('seed'),
  steps: $<HTMLInputElement>('steps'),
};
for (const [k, input] of Object.entries(inputs)) input.value = String(defaults[k as keyof typeof defaults]);
let runCount = 0;
let currentDecoupling: RunState | undefined;

$('decoupling-form').onsubmit = (e) => {
  e.preventDefault();
  try {
    const settings: DecouplingSettingsInput = {
      augment: inputs.augment.value as DecouplingSettingsInput['augment'],
      temperature: Number(inputs.temperature.value),
      width: Number(inputs.width.value),
      lr: Number(inputs.lr.value),
      seed: Number(inputs.seed.value),
      steps: Number(inputs.steps.value),
    };
    const job = decouplingJob(settings);
    const s = parseDecouplingSettings(settings);
    const label = `${inputs.augment.selectedOptions[0]?.text ?? s.augment} · τ ${s.temperature} · m ${s.width} · lr ${s.lr} · seed ${s.seed} · ${s.steps} steps`;
    const previous = currentDecoupling;
    currentDecoupling = store.add({ id: `run-${++runCount}`, kind: 'decoupling', label, settings: s, jobs: [job] });
    send({ type: 'run', runId: currentDecoupling.id, jobs: [job] });
    refreshCompareWith(previous?.id);
  } catch (err) {
    store.error((err as Error).message);
    $('decoupling-status').textContent = (err as Error).message;
  }
};
const pauseButton = $<HTMLButtonElement>('pause');
pauseButton.onclick = () => {
  (window as unknown as { __lab: { clicks: number } }).__lab.clicks++;
  if (!currentDecoupling) return;
  send({ type: currentDecoupling.status === 'paused' ? 'resume' : 'pause' });
};
$('reset').onclick = () => {
  if (!currentDecoupling) return;
  send({ type: 'stop' });
  refreshCompareWith(currentDecoupling.id);
  currentDecoupling = undefined;
  schedule();
};
const compareWith = $<HTMLSelectElement>('compare-with');
compareWith.onchange = () => schedule(true);
function refreshCompareWith(select?: string) {
  const runs = store.state.runs.filter((r) => r.kind === 'decoupling' && r !== currentDecoupling);
  compareWith.replaceChildren(
    el('option', { value: '' }, '(none)'),
    ...runs.map((r) => el('option', { value: r.id }, `${r.id}: ${r.label}`)),
  );
  compareWith.value = select ?? runs.at(-1)?.id ?? '';
}

const fmt = (v: number | undefined, digits = 3) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));

function stat(label: string, value: string, note = ''): HTMLElement {
  return el('div', { class: 'stat' }, el('small', {}, label), el('b', {}, value), el('small', {}, note));
}

/** The heatmap changes only at evaluations: drawn once per evaluation, not on every progress update. */
const heatmaps = new WeakMap<JobState, { evals: number; figure: HTMLElement }>();
function heatmapOf(job: JobState): HTMLElement {
  const cached = heatmaps.get(job);
  if (cached?.evals === job.evals.length) return cached.figure;
  const figure = el(
    'figure',
    { 'data-testid': 'heatmap' },
    heatmapChart(job.heatmap!, { title: `neuron × atom |cos| at step ${job.evals.at(-1)?.step ?? 0}` }),
  );
  heatmaps.set(job, { evals: job.evals.length, figure });
  return figure;
}

function decouplingPanel(target: HTMLElement, run: RunState | undefined, title: string) {
  target.replaceChildren();
  if (!run) {
    target.append(
      el('div', { class: 'empty' }, title === 'this run' ? 'Press Train.' : 'Run again with another setting to compare side by side.'),
    );
    return;
  }
  const job = run.jobs[0]!;
  const atoms = job.heatmap?.atoms;
  const frac = latest(job, 'atomRecovery.fraction');
  const recent = job.loss.slice(-20);
  const width = Number(run.settings['width'] ?? 64);
  target.append(
    el('h3', {}, `${title}: ${run.label}`),
    el('div', { class: 'status' }, `${run.status} · step ${job.step} / ${job.steps}`),
    el(
      'div',
      { class: 'stats' },
      stat('loss', fmt(recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : undefined), 'mean of last 20 steps'),
      stat(
        'atoms recovered',
        frac === undefined ? '–' : `${Math.round(frac * (atoms ?? 0))} / ${atoms ?? '?'}`,
        `${fmt(frac === undefined ? undefined : frac * 100, 0)} % with a_j > 0.8`,
      ),
      stat('median a_j', fmt(latest(job, 'atomRecovery.median')), 'max_i |cos(w_i, M_j)|'),
      stat('std of normalised output', fmt(latest(job, 'stdOfNormalized'), 4), `collapse → 0; ideal ${fmt(1 / Math.sqrt(width), 4)}`),
    ),
  );
  const evals = (k: string, series: string): Point[] =>
    job.evals.filter((e) => e.metrics[k] !== undefined).map((e) => ({ x: e.step, y: e.metrics[k]!, series }));
  const charts = el('div', { class: 'charts' });
  // The heatmap first: it is the picture of what the network learned.
  if (job.heatmap) charts.append(heatmapOf(job));
  charts.append(
    el(
      'figure',
      {},
      lineChart([...evals('atomRecovery.fraction', 'atoms recovered'), ...evals('atomRecovery.median', 'median a_j')], {
        title: 'atom recovery',
        y: 'fraction / a_j',
        yDomain: [0, 1],
        rule: 0.8,
      }),
    ),
    el('figure', {}, lineChart(thin(job.loss, 'loss'), { title: 'loss', y: 'InfoNCE' })),
    el(
      'figure',
      {},
      lineChart(evals('stdOfNormalized', 'std'), { title: 'std of normalised output', y: 'std', rule: 1 / Math.sqrt(width) }),
    ),
  );
  target.append(charts);
}

// ---- real images
const dataUrl = new URL(IMAGE_DATA_FILE, document.baseURI).href;
const PREVIEW_COUNT = 10;
function requestPreview(seed: number) {
  preview.seed = seed;
  preview.requested++;
  $('preview-seed').textContent = `views drawn with seed ${seed}`;
  send({ type: 'preview', id: preview.requested, dataUrl, count: PREVIEW_COUNT, seed });
}
$('preview-redraw').onclick = () => requestPreview(preview.seed + 1);

/** Grey or RGB bytes [h, w, c] of item `i` → a canvas. */
function imageCanvas(bytes: Uint8Array, i: number, [h, w, c]: [number, number, number]): HTMLCanvasElement {
  const canvas = el('canvas', { width: String(w), height: String(h) });
  const img = new ImageData(w, h);
  const base = i * h * w * c;
  for (let p = 0; p < h * w; p++) {
    for (let k = 0; k < 3; k++) img.data[p * 4 + k] = bytes[base + p * c + (c === 1 ? 0 : k)]!;
    img.data[p * 4 + 3] = 255;
  }
  canvas.getContext('2d')!.putImageData(img, 0, 0);
  return canvas;
}

function drawPreview(id: number, p: ViewPreview) {
  if (id !== preview.requested) return; // a newer request is on its way
  $('images-data').textContent =
    `${p.data.name}, ${p.data.train} training and ${p.data.test} test images of ${p.shape.join('×')}, ${p.classNames.length} classes`;
  $('preview-grid').replaceChildren(
    ...p.labels.map((y, i) =>
      el(
        'div',
        { class: 'preview-item', 'data-testid': 'preview-item' },
        imageCanvas(p.originals, i, p.shape),
        imageCanvas(p.views[0], i, p.shape),
        imageCanvas(p.views[1], i, p.shape),
        el('span', {}, p.classNames[y] ?? String(y)),
      ),
    ),
  );
  preview.drawn = id;
  preview.images = p.labels.length;
}

const imageDefaults = parseImageSettings();
const methodBox = $('images-methods');
for (const [name, label] of Object.entries(IMAGE_METHODS)) {
  const box = el('input', { type: 'checkbox', value: name });
  box.checked = imageDefaults.methods.includes(name as ImageMethod);
  methodBox.append(el('label', { title: label }, box, name));
}
const imageInputs = {
  seed: $<HTMLInputElement>('images-seed'),
  steps: $<HTMLInputElement>('images-steps'),
  batchSize: $<HTMLInputElement>('images-batch'),
  lr: $<HTMLInputElement>('images-lr'),
};
for (const [k, input] of Object.entries(imageInputs)) input.value = String(imageDefaults[k as keyof typeof imageInputs]);
let currentImages: RunState | undefined;
$('images-form').onsubmit = (e) => {
  e.preventDefault();
  try {
    const methods = [...methodBox.querySelectorAll<HTMLInputElement>('input:checked')].map((b) => b.value as ImageMethod);
    const settings = {
      methods,
      seed: Number(imageInputs.seed.value),
      steps: Number(imageInputs.steps.value),
      batchSize: Number(imageInputs.batchSize.value),
      lr: Number(imageInputs.lr.value),
      dataUrl,
    };
    const jobs = imageJobs(settings);
    const s = parseImageSettings(settings);
    currentImages = store.add({
      id: `run-${++runCount}`,
      kind: 'images',
      label: `${s.methods.join(' vs ')} · seed ${s.seed} · ${s.steps} steps · batch ${s.batchSize} · lr ${s.lr}`,
      settings: s,
      jobs,
    });
    send({ type: 'run', runId: currentImages.id, jobs });
  } catch (err) {
    store.error((err as Error).message);
    $('images-status').textContent = (err as Error).message;
  }
};
const imagesPause = $<HTMLButtonElement>('images-pause');
imagesPause.onclick = () => {
  if (currentImages) send({ type: currentImages.status === 'paused' ? 'resume' : 'pause' });
};
$('images-reset').onclick = () => {
  if (!currentImages) return;
  send({ type: 'stop' });
  currentImages = undefined;
  schedule(true);
};

/** The scatter changes only at evaluations: drawn once per evaluation. */
const scatters = new WeakMap<JobState, { evals: number; figure: HTMLElement }>();
function scatterOf(job: JobState, legend: boolean): HTMLElement {
  const cached = scatters.get(job);
  if (cached?.evals === job.evals.length) return cached.figure;
  const figure = el(
    'figure',
    { 'data-testid': 'scatter' },
    scatterChart(job.embedding!, { title: `${job.arm}: test images at step ${job.evals.at(-1)?.step ?? 0} (PCA)`, legend }),
  );
  scatters.set(job, { evals: job.evals.length, figure });
  return figure;
}

function imagesPanel(run: RunState | undefined) {
  const live = $('images-live');
  live.replaceChildren();
  if (!run) return;
  const job = run.jobs[run.active]!;
  $('images-status').textContent =
    `${run.label} · ${run.status} · ${job.arm}: step ${job.step} / ${job.steps}` +
    `${job.stepsPerSecond ? ` · ${job.stepsPerSecond.toFixed(1)} steps/s` : ''}${run.error ? ` · error: ${run.error}` : ''}`;
  const curve = (k: string) =>
    run.jobs.flatMap((j) => j.evals.filter((e) => e.metrics[k] !== undefined).map((e) => ({ x: e.step, y: e.metrics[k]!, series: j.arm })));
  const stats = run.jobs
    .filter((j) => j.evals.length)
    .map((j) =>
      stat(
        `${j.arm}: kNN top-1`,
        fmt(latest(j, 'knn.top1')),
        `untrained ${fmt(j.evals[0]?.metrics['knn.top1'])} · std ${fmt(latest(j, 'stdOfNormalized'), 3)}`,
      ),
    );
  live.append(
    el('div', { class: 'stats' }, ...stats),
    el(
      'div',
      { class: 'charts' },
      el(
        'figure',
        { 'data-testid': 'knn-curve' },
        lineChart(curve('knn.top1'), { title: 'online kNN accuracy (top-1, test images)', y: 'accuracy', width: 380, height: 240 }),
      ),
      el(
        'figure',
        {},
        lineChart(
          run.jobs.flatMap((j) => thin(j.loss, j.arm, 200)),
          { title: 'training loss', y: 'loss', width: 380, height: 240 },
        ),
      ),
      ...run.jobs.filter((j) => j.embedding).map((j, i) => scatterOf(j, i === 0)),
    ),
  );
}

// ---- compare
const lossBox = $('compare-losses');
for (const name of Object.keys(COMPARE_METHODS)) {
  const box = el('input', { type: 'checkbox', value: name });
  box.checked = ['infonce', 'simclr', 'simsiam'].includes(name);
  lossBox.append(el('label', {}, box, name));
}
$<HTMLInputElement>('compare-steps').value = String(compareExperiment().experiment.steps);
let currentCompare: RunState | undefined;
$('compare-form').onsubmit = (e) => {
  e.preventDefault();
  try {
    const losses = [...lossBox.querySelectorAll<HTMLInputElement>('input:checked')].map((b) => b.value);
    const seed = Number($<HTMLInputElement>('compare-seed').value);
    const steps = Number($<HTMLInputElement>('compare-steps').value);
    const { experiment, jobs } = compareExperiment({ losses, seed, steps });
    currentCompare = store.add({
      id: `run-${++runCount}`,
      kind: 'compare',
      label: `${losses.join(' vs ')} · seed ${seed} · ${steps} steps`,
      settings: { losses, seed, steps },
      jobs,
      experiment,
    });
    send({ type: 'run', runId: currentCompare.id, jobs });
    $('compare-report').replaceChildren();
  } catch (err) {
    store.error((err as Error).message);
    $('compare-status').textContent = (err as Error).message;
  }
};
$('compare-stop').onclick = () => send({ type: 'stop' });

function comparePanel(run: RunState | undefined) {
  const live = $('compare-live');
  live.replaceChildren();
  if (!run) return;
  const job = run.jobs[run.active]!;
  $('compare-status').textContent = `${run.label} · ${run.status} · ${job.arm}: step ${job.step} / ${job.steps}`;
  const loss = run.jobs.flatMap((j: JobState) => thin(j.loss, j.arm, 200));
  const curve = (k: string) =>
    run.jobs.flatMap((j) => j.evals.filter((e) => e.metrics[k] !== undefined).map((e) => ({ x: e.step, y: e.metrics[k]!, series: j.arm })));
  live.append(
    el(
      'div',
      { class: 'charts' },
      el('figure', {}, lineChart(loss, { title: 'training loss', y: 'loss', width: 420, height: 220 })),
      el(
        'figure',
        {},
        lineChart(curve('knn.accuracy'), {
          title: 'online kNN accuracy (held-out batch)',
          y: 'accuracy',
          width: 420,
          height: 220,
          yDomain: [0, 1],
        }),
      ),
      el('figure', {}, lineChart(curve('stdOfNormalized'), { title: 'std of normalised output', y: 'std', width: 420, height: 220 })),
    ),
  );
  if (run.status === 'done' && !$('compare-report').childElementCount) {
    const results = runResults(run);
    if (results) renderReport($('compare-report'), results);
  }
}

// ---- open a CLI run
async function openFiles(files: File[]) {
  const error = $('open-error');
  error.hidden = true;
  try {
    const file = files.length === 1 && files[0]!.name.endsWith('.json') ? files[0] : pickResultsFile(files);
    if (!file)
      throw new Error(`no results.json among the ${files.length} dropped files (a run folder holds one once the run has finished)`);
    const results = parseResultsFile(await file.text(), file.name);
    renderReport($('open-report'), results);
    (window as unknown as { __lab: { opened?: unknown } }).__lab.opened = results;
  } catch (err) {
    error.textContent = (err as Error).message;
    error.hidden = false;
  }
}
$<HTMLInputElement>('open-file').onchange = (e) => void openFiles([...((e.target as HTMLInputElement).files ?? [])]);
$<HTMLInputElement>('open-folder').onchange = (e) => void openFiles([...((e.target as HTMLInputElement).files ?? [])]);
const zone = $('drop-zone');
zone.ondragover = (e) => {
  e.preventDefault();
  zone.classList.add('over');
};
zone.ondragleave = () => zone.classList.remove('over');
zone.ondrop = async (e) => {
  e.preventDefault();
  zone.classList.remove('over');
  const files: File[] = [];
  const walk = async (entry: FileSystemEntry | null, path = ''): Promise<void> => {
    if (!entry) return;
    if (entry.isFile) {
      const f = await new Promise<File>((res, rej) => (entry as FileSystemFileEntry).file(res, rej));
      files.push(Object.defineProperty(f, 'webkitRelativePath', { value: path + f.name }));
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      const entries = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
      for (const child of entries) await walk(child, `${path}${entry.name}/`);
    }
  };
  for (const item of [...(e.dataTransfer?.items ?? [])]) await walk(item.webkitGetAsEntry());
  await openFiles(files);
};

// ---- rendering, throttled to a few frames per second
const rendered = new Map<string, string>();
const version = (r: RunState | undefined) => (r ? `${r.id}:${r.status}:${r.jobs.map((j) => `${j.step}/${j.evals.length}`).join(',')}` : '');
let pending = false;
let lastRender = 0;
function schedule(force = false) {
  if (force) rendered.clear();
  if (pending) return;
  pending = true;
  const wait = Math.max(0, 250 - (performance.now() - lastRender));
  setTimeout(() => requestAnimationFrame(render), wait);
}
function render() {
  pending = false;
  lastRender = performance.now();
  const s = store.state;
  if (s.backend) {
    const b = s.backend;
    $('backend').textContent =
      `${b.name}${b.name === 'wasm' ? ` · ${b.threads} thread${b.threads === 1 ? '' : 's'}` : ''} · ${b.crossOriginIsolated ? 'cross-origin isolated' : 'not isolated'}`;
  }
  const running = currentDecoupling?.status === 'running' || currentDecoupling?.status === 'paused';
  pauseButton.disabled = !running;
  pauseButton.textContent = currentDecoupling?.status === 'paused' ? 'Resume' : 'Pause';
  $<HTMLButtonElement>('reset').disabled = !currentDecoupling;
  $<HTMLButtonElement>('compare-stop').disabled = currentCompare?.status !== 'running';
  const imagesActive = currentImages?.status === 'running' || currentImages?.status === 'paused';
  imagesPause.disabled = !imagesActive;
  imagesPause.textContent = currentImages?.status === 'paused' ? 'Resume' : 'Pause';
  $<HTMLButtonElement>('images-reset').disabled = !currentImages;
  const job = currentDecoupling?.jobs[0];
  $('decoupling-status').textContent = job
    ? `${job.stepsPerSecond ? `${job.stepsPerSecond.toFixed(0)} steps/s` : ''}${s.errors.length ? ` · error: ${s.errors.at(-1)}` : ''}`
    : (s.errors.at(-1) ?? '');
  const previous = s.runs.find((r) => r.id === compareWith.value);
  const parts: Array<[string, RunState | undefined, () => void]> = [
    ['current', currentDecoupling, () => decouplingPanel($('panel-current'), currentDecoupling, 'this run')],
    ['previous', previous, () => decouplingPanel($('panel-previous'), previous, 'compared with')],
    ['compare', currentCompare, () => comparePanel(currentCompare)],
    ['images', currentImages, () => imagesPanel(currentImages)],
  ];
  for (const [key, run, draw] of parts) {
    const v = version(run) || `empty:${key}`;
    if (rendered.get(key) === v) continue;
    rendered.set(key, v);
    draw();
  }
}
store.subscribe(() => schedule());
schedule();
