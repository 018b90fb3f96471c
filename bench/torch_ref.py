#!/usr/bin/env python3
"""PyTorch reference for `pnpm bench`: the same computations as the TypeScript bench, timed the same way.

Prints one JSON object on stdout. Usage: torch_ref.py [--quick] [--flagship [--flagship-serial]] [--single-core]
  train_small / train_large: steps/s of the feature-decoupling training step (sample x = zMᵀ + ξ,
      complementary masks, symmetric-ReLU forward with threshold b, one-directional InfoNCE on raw
      inner products (τ = 0.1), backward, SGD, unit-norm projection of the rows)
  supcon_<B>_<out|in>[_labels]: steps/s of SupCon forward + backward, batch B ∈ {1024, 4096}, 2 views,
      dim 128, L_out or L_in, SimCLR mask or 10 classes
  gemm_gflops: best GFLOP/s of torch.mm on square products (256³…1024³)
  --point JSON: one point of the scaling sweep (ms per step, peak RSS of this process), one core
  flagship (with --flagship-serial): wall time of the flagship experiment (5 arms × 3 seeds × 3000 steps, evaluation every
      100 steps), run serially with torch's default thread count
  flagship_seconds_parallel (--single-core): the same 15 runs spread over one single-threaded process per core
      (and flagship_cpu_seconds_parallel, their CPU time)
      (as `contrastive run` spreads them over one worker thread per core)
  --single-core: the same on one core (needs OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 set before
      start: Debian's pthread OpenBLAS ignores torch.set_num_threads and uses every core), plus the
      flagship over one process per core
  cores_used: CPU time / wall time of a large step loop (≈ 2 means both cores were busy)
"""
import json
import math
import os
import sys
import time

import torch

# The CNN step and the peak-RSS reader are shared with the real-data bench.
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, 'real-data'))
import torch_real  # noqa: E402



def make_problem(d, d1, m, p, r, seed, dense_rank=0):
    g = torch.Generator().manual_seed(seed)
    Q, _ = torch.linalg.qr(torch.randn(d1, d + dense_rank, generator=g))
    M, H = Q[:, :d], Q[:, d:]  # H: orthonormal dense basis, orthogonal to the atoms
    W = torch.randn(m, d1, generator=g) / math.sqrt(d1)
    W = W / W.norm(dim=1, keepdim=True)
    sigma = math.sqrt(r * p * d / d1)
    return g, M, H, W.requires_grad_(True), sigma


def sample(g, M, H, B, p, sigma, dense_scale=0.0):
    d1, d = M.shape
    u = torch.rand(B, d, generator=g)
    z = torch.where(u < p / 2, -1.0, torch.where(u < p, 1.0, 0.0))
    x = z @ M.T + sigma * torch.randn(B, d1, generator=g)
    if H.shape[1] > 0:
        x = x + dense_scale * torch.randn(B, H.shape[1], generator=g) @ H.T
    return x


def dense_jitter(g, x, H, dense_scale):
    """Replaces the component of x in span(H) by a fresh draw (the colour-distortion analogue)."""
    fresh = dense_scale * torch.randn(x.shape[0], H.shape[1], generator=g)
    return x - (x @ H) @ H.T + fresh @ H.T


def complementary_mask(g, x):
    D = (torch.rand(x.shape, generator=g) < 0.5).float()
    return 2 * D * x, 2 * (1 - D) * x


def symrelu(x, W, b):
    u = x @ W.T
    return torch.relu(u - b) - torch.relu(-u - b)


def info_nce(a, b, tau):
    S = a @ b.T / tau
    return (torch.logsumexp(S, dim=1) - S.diagonal()).mean()


def train_step(g, M, H, W, B, p, sigma, b, lr, augment='mask', dense_scale=0.0):
    x = sample(g, M, H, B, p, sigma, dense_scale)
    if augment == 'mask':
        x1, x2 = complementary_mask(g, x)
    elif augment == 'mask+jitter':
        x1, x2 = complementary_mask(g, x)
        x1, x2 = dense_jitter(g, x1, H, dense_scale), dense_jitter(g, x2, H, dense_scale)
    elif augment == 'noise':
        x1, x2 = x + sigma * torch.randn(x.shape, generator=g), x + sigma * torch.randn(x.shape, generator=g)
    else:
        x1, x2 = x, x
    loss = info_nce(symrelu(x1, W, b), symrelu(x2, W, b), 0.1)
    W.grad = None
    loss.backward()
    with torch.no_grad():
        W -= lr * W.grad
        W /= W.norm(dim=1, keepdim=True)
    return loss


def atom_recovery(W, M):
    with torch.no_grad():
        Wn = W / W.norm(dim=1, keepdim=True)
        return (Wn @ M).abs().max(dim=0).values


def bench_train(d, d1, m, B, seconds):
    p, r = 0.1, 4
    g, M, H, W, sigma = make_problem(d, d1, m, p, r, 0)
    b = 1.34 * sigma
    for _ in range(20):
        train_step(g, M, H, W, B, p, sigma, b, 0.05)
    n, t0, c0 = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - t0 < seconds:
        train_step(g, M, H, W, B, p, sigma, b, 0.05)
        n += 1
    LAST_CPU[0] = (time.process_time() - c0) / n
    return n / (time.perf_counter() - t0)


# CPU seconds per step of the last timed loop (all threads of this process): under load from
# other processes, CPU time measures the work where wall time also measures the waiting.
LAST_CPU = [float('nan')]


def supcon(features, tau=0.1, labels=None, variant='out'):
    """HobbitLong/SupContrast losses.py SupConLoss (contrast_mode 'all', base_temperature = τ),
    with Eq. 3 (L_in) of Khosla et al. for variant 'in'."""
    B, V, D = features.shape
    f = torch.nn.functional.normalize(features, dim=2)
    c = torch.cat(torch.unbind(f, dim=1), dim=0)
    logits = c @ c.T / tau
    logits = logits - logits.max(dim=1, keepdim=True).values.detach()
    n = B * V
    self_mask = torch.eye(n, dtype=torch.bool)
    base = torch.eye(B) if labels is None else (labels[:, None] == labels[None, :]).float()
    mask = base.repeat(V, V).masked_fill(self_mask, 0)
    exp = torch.exp(logits).masked_fill(self_mask, 0)
    log_prob = logits - torch.log(exp.sum(1, keepdim=True))
    pos = mask.sum(1).clamp(min=1)
    if variant == 'in':
        mean_log_prob_pos = torch.log((mask * torch.exp(log_prob)).sum(1) / pos)
    else:
        mean_log_prob_pos = (mask * log_prob).sum(1) / pos
    return -mean_log_prob_pos.mean()


def supcon_seconds(batch, seconds, dim=128, variant='out', with_labels=False):
    """Seconds per SupCon forward + backward on [batch, 2, dim] features (10 classes with labels)."""
    g = torch.Generator().manual_seed(0)
    x = torch.randn(batch, 2, dim, generator=g, requires_grad=True)
    labels = torch.arange(batch) % 10 if with_labels else None
    x.grad = None
    supcon(x, labels=labels, variant=variant).backward()
    n, t0, c0 = 0, time.perf_counter(), time.process_time()
    while n < 2 or time.perf_counter() - t0 < seconds:
        x.grad = None
        supcon(x, labels=labels, variant=variant).backward()
        n += 1
    LAST_CPU[0] = (time.process_time() - c0) / n
    return (time.perf_counter() - t0) / n


SUPCON = [(b, v, lab) for b in (1024, 4096) for v in ('out', 'in') for lab in (False, True)]


def supcon_key(b, v, lab):
    return f'supcon_{b}_{v}' + ('_labels' if lab else '')


def gemm_gflops(seconds):
    """Best GFLOP/s of torch.mm on square float32 products (the core's peak as OpenBLAS reaches it)."""
    best = 0.0
    for n in (256, 512, 1024):
        a, b = torch.randn(n, n), torch.randn(n, n)
        a @ b
        t0, fastest, reps = time.perf_counter(), float('inf'), 0
        while reps < 3 or time.perf_counter() - t0 < seconds / 3:
            t = time.process_time()  # CPU time: under load, wall time also counts the waiting
            a @ b
            fastest = min(fastest, time.process_time() - t)
            reps += 1
        best = max(best, 2 * n ** 3 / fastest / 1e9)
    return best


def rss_mb():
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 2 ** 20


def measure_point(point, seconds):
    """One scaling point (bench/run.mjs --scaling): ms per step and peak RSS of this fresh process."""
    base = rss_mb()
    if point['workload'] == 'infonce':
        B, m = point['batchSize'], point['width']
        ms = 1000 / bench_train(64, 512, m, B, seconds)
    elif point['workload'] == 'supcon':
        ms = 1000 * supcon_seconds(point['batch'], seconds, dim=point['dim'])
    elif point['workload'] == 'cnn':
        return cnn_point(point, seconds)
    else:
        raise ValueError(point['workload'])
    peak = torch_real.peak_rss_mb()
    return {'ms': ms, 'cpuMs': 1000 * LAST_CPU[0], 'peakRssMB': peak, 'baseRssMB': base}


def cnn_point(point, seconds):
    """The SimCLR step of issue 12's CNN (bench/real-data/torch_real.py, the same code as the `cnn`
    part): batch `batchSize` × 2 views of our Fashion-MNIST images (the .npy split), width
    multiplier `width`; median wall / mean CPU ms of n steps after 2 warm-up steps."""
    # the rows ours reads (ours.mjs loadSplitBatch): first 1 000 of each class in stored order,
    # rows (i·37) mod 10 000, read from the memory-mapped .npy (not the whole split: peak RSS)
    split = os.path.join(HERE, 'results', 'real-data', 'split')
    import numpy as np
    labels = np.load(os.path.join(split, 'y_train.npy'))
    subset = np.sort(np.concatenate([np.nonzero(labels == c)[0][:1000] for c in range(10)]))
    B = point['batchSize']
    rows = subset[[(i * 37) % len(subset) for i in range(B)]]
    images = np.load(os.path.join(split, 'x_train.npy'), mmap_mode='r')
    x = torch.from_numpy(images[rows].astype(np.float32) / 255.0).unsqueeze(1)
    y = torch.from_numpy(labels[rows].astype(np.int64))
    del images
    base = rss_mb()
    g = torch.Generator().manual_seed(0)
    torch.manual_seed(0)
    r = torch_real.step_bench(g, point['width'], 'simclr', x, y, point.get('steps', 4))
    peak = torch_real.peak_rss_mb()
    return {'ms': 1000 * r['step_seconds'], 'cpuMs': 1000 * r['step_cpu_seconds_mean'], 'peakRssMB': peak, 'baseRssMB': base,
            'breakdownCpuMs': {k: 1000 * v for k, v in r['breakdown_cpu_seconds'].items()}}


FLAGSHIP_ARMS = [('no augmentation', 'none', 0), ('gaussian noise', 'noise', 0), ('complementary masking', 'mask', 0),
                 ('dense: masking', 'mask', 16), ('dense: masking + jitter', 'mask+jitter', 16)]


def flagship_run(job):
    """One (arm, seed) run of the flagship: 3000 steps, atom recovery every 100."""
    (name, augment, k), seed, steps, eval_every, dense_scale = job
    d, d1, m, B, p, r = 32, 256, 64, 256, 0.1, 4
    g, M, H, W, sigma = make_problem(d, d1, m, p, r, seed, k)
    for step in range(steps):
        b = 1.34 * sigma * min(1.0, step / (0.5 * steps))
        train_step(g, M, H, W, B, p, sigma, b, 0.05, augment, dense_scale if k else 0.0)
        if (step + 1) % eval_every == 0:
            rec = atom_recovery(W, M)
    return f'{name} (seed {seed})', float((rec > 0.8).float().mean())


def _init_worker():
    torch.set_num_threads(1)


def flagship(steps=3000, eval_every=100, seeds=(0, 1, 2), dense_scale=0.5, processes=1):
    """Wall time of the 15 runs: serially (processes = 1), or spread over `processes` worker
    processes of one thread each (the analogue of our worker threads, one per core)."""
    import resource
    jobs = [(arm, seed, steps, eval_every, dense_scale) for arm in FLAGSHIP_ARMS for seed in seeds]
    t0 = time.perf_counter()
    c0 = time.process_time()
    k0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if processes == 1:
        out = dict(map(flagship_run, jobs))
    else:
        import multiprocessing as mp
        pool = mp.get_context('fork').Pool(processes, initializer=_init_worker)
        out = dict(pool.map(flagship_run, jobs, chunksize=1))
        pool.close()
        pool.join()  # reaped, so their CPU time is in RUSAGE_CHILDREN
    k1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    FLAGSHIP_CPU[0] = time.process_time() - c0 + (k1.ru_utime + k1.ru_stime) - (k0.ru_utime + k0.ru_stime)
    return time.perf_counter() - t0, out


FLAGSHIP_CPU = [float('nan')]


def main():
    """Default run: torch as it runs here by default (OpenBLAS sizes its own thread pool from the
    cores, whatever torch.get_num_threads() says). `--single-core` (run with OPENBLAS_NUM_THREADS=1
    OMP_NUM_THREADS=1 in the environment, which `pnpm bench` does) measures one core, and the
    flagship spread over one single-core process per core."""
    quick = '--quick' in sys.argv
    single = '--single-core' in sys.argv
    if '--point' in sys.argv:
        torch.set_num_threads(1)
        seconds = float(sys.argv[sys.argv.index('--seconds') + 1]) if '--seconds' in sys.argv else 2.0
        print(json.dumps(measure_point(json.loads(sys.argv[sys.argv.index('--point') + 1]), seconds)))
        return
    if single:
        torch.set_num_threads(1)
    seconds = float(sys.argv[sys.argv.index('--seconds') + 1]) if '--seconds' in sys.argv else (1.0 if quick else 3.0)
    res = {
        'torch': torch.__version__,
        'threads': torch.get_num_threads(),
    }
    if '--no-engines' in sys.argv:
        return flagship_part(res, quick, single)
    # <key>: steps per wall second; <key>_cpu: steps per CPU second
    res['train_small'] = bench_train(32, 256, 64, 256, seconds)
    res['train_small_cpu'] = 1 / LAST_CPU[0]
    res['train_large'] = bench_train(64, 512, 256, 512, seconds)
    res['train_large_cpu'] = 1 / LAST_CPU[0]
    for b, v, lab in SUPCON:
        res[supcon_key(b, v, lab)] = 1 / supcon_seconds(b, seconds if b <= 1024 else 2 * seconds, variant=v, with_labels=lab)
        res[supcon_key(b, v, lab) + '_cpu'] = 1 / LAST_CPU[0]
    res['gemm_gflops'] = gemm_gflops(seconds)
    t0, c0 = time.perf_counter(), time.process_time()
    bench_train(64, 512, 256, 512, 1.0)
    res['cores_used'] = (time.process_time() - c0) / (time.perf_counter() - t0)
    flagship_part(res, quick, single)


def flagship_part(res, quick, single):
    if '--flagship' in sys.argv:
        steps = 300 if quick else 3000
        if '--flagship-serial' in sys.argv:
            res['flagship_seconds'], res['flagship_recovery'] = flagship(steps)
            res['flagship_cpu_seconds'] = FLAGSHIP_CPU[0]
        if single:
            procs = os.cpu_count() or 1
            res['flagship_processes'] = procs
            res['flagship_seconds_parallel'], _ = flagship(steps, processes=procs)
            res['flagship_cpu_seconds_parallel'] = FLAGSHIP_CPU[0]
    print(json.dumps(res))


if __name__ == '__main__':
    main()
