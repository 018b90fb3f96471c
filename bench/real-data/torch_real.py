#!/usr/bin/env python3
"""PyTorch reference of issue 12's real-data recipe (bench/real-data), on our exact split.

Reads the .npy files written by export-split.mjs (our loadFashionMnist split: first 6 000 images of each
class for training, the rest for test) and prints one JSON object on stdout.

  train: SimCLR (NT-Xent, tau = 0.2) or SupCon (L_out, tau = 0.1, base temperature = tau) with the
      small CNN: conv3x3 1->32, 32->64 stride 2, 64->128 stride 2 (no bias, BN, ReLU), global average
      pool; projector Linear(enc, 128) -> ReLU -> Linear(128, 64); Adam lr 1e-3; batch 256, shuffled
      without replacement every epoch, last partial batch dropped. Views: random resized crop (scale
      0.3-1, ratio 3/4-4/3, torchvision's get_params and bilinear resize of the crop,
      align_corners=False), horizontal flip p = 0.5, colour jitter (brightness, contrast 0.4, random
      order per image as torchvision's ColorJitter) applied with p = 0.8. Convolutions start
      He-normal (fan_out), as ours and torchvision's ResNet.
  probe: linear probe on the frozen encoder (eval-mode BN) of the unaugmented images: features
      standardised with the training mean and population std, bias column, multinomial logistic
      regression, mean cross-entropy + (l2/2)||W||^2 (bias excluded), zero init, full-batch L-BFGS
      (history 10, strong Wolfe, 100 iterations), float64, as @contrastive/analysis linearProbe.
  raw probe (--raw-probe): the same probe on the raw pixels.
  aug bench (--aug-bench): images/s of the two-view augmentation pipeline on batches of 256.
  step bench (--step-bench N): seconds per SimCLR step (two views, batch 256), median of N steps, and
      the CPU seconds of augmentation, forward + loss, backward and Adam per step.
  check step (--check-step FILE): our step 0 (ours.mjs --check-step) recomputed from the same views
      and weights: loss and gradients.
  Each view goes through the encoder in its own call (batch norm per view), as ours; --joint-bn
      encodes both in one call (batch norm over 2B images), as this script did before 2026-11-30 16:00.

Usage: torch_real.py --split DIR [--size small|full] [--method simclr|supcon] [--epochs E] [--seed S]
       [--train-images N] [--width W] [--raw-probe] [--aug-bench] [--step-bench N] [--threads T]
Threads: set OMP_NUM_THREADS/OPENBLAS_NUM_THREADS=1 before start for a single-core run.
"""
import argparse
import json
import math
import os
import resource
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SIZES = {'small': {'train_images': 10000, 'width': 0.5}, 'full': {'train_images': 60000, 'width': 1.0}}


def load_split(d, train_images):
    xtr = np.load(os.path.join(d, 'x_train.npy'))
    ytr = np.load(os.path.join(d, 'y_train.npy')).astype(np.int64)
    xte = np.load(os.path.join(d, 'x_test.npy'))
    yte = np.load(os.path.join(d, 'y_test.npy')).astype(np.int64)
    if train_images < len(ytr):
        # The first train_images / 10 of each class (the items are stored class by class).
        per = train_images // 10
        idx = np.concatenate([np.nonzero(ytr == c)[0][:per] for c in range(10)])
        xtr, ytr = xtr[idx], ytr[idx]
    f = lambda x: torch.from_numpy(x.astype(np.float32) / 255.0).unsqueeze(1)  # [n, 1, 28, 28]
    return f(xtr), torch.from_numpy(ytr), f(xte), torch.from_numpy(yte)


class Encoder(nn.Module):
    def __init__(self, width):
        super().__init__()
        c = [max(1, round(v * width)) for v in (32, 64, 128)]
        layers, cin = [], 1
        for cout, stride in zip(c, (1, 2, 2)):
            conv = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
            nn.init.kaiming_normal_(conv.weight, mode='fan_out', nonlinearity='relu')
            layers += [conv, nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]
            cin = cout
        self.body = nn.Sequential(*layers)
        self.out_dim = cin

    def forward(self, x):
        return self.body(x).mean(dim=(2, 3))


def projector(dim):
    return nn.Sequential(nn.Linear(dim, 128), nn.ReLU(inplace=True), nn.Linear(128, 64))


def sample_crops(g, n, height, width, scale=(0.3, 1.0), ratio=(3 / 4, 4 / 3)):
    """torchvision RandomResizedCrop.get_params for n images: [n, 4] (i, j, h, w)."""
    area = height * width
    log_ratio = (math.log(ratio[0]), math.log(ratio[1]))
    out = np.empty((n, 4), dtype=np.int64)
    u = torch.rand(n, 10, 2, generator=g).numpy()
    pos = torch.rand(n, 2, generator=g).numpy()
    for k in range(n):
        for a in range(10):
            target = area * (scale[0] + (scale[1] - scale[0]) * u[k, a, 0])
            aspect = math.exp(log_ratio[0] + (log_ratio[1] - log_ratio[0]) * u[k, a, 1])
            w = int(round(math.sqrt(target * aspect)))
            h = int(round(math.sqrt(target / aspect)))
            if 0 < w <= width and 0 < h <= height:
                i = int(pos[k, 0] * (height - h + 1))
                j = int(pos[k, 1] * (width - w + 1))
                out[k] = (i, j, h, w)
                break
        else:
            out[k] = (0, 0, height, width)  # the fallback: the whole (square) image
    return out


def resized_crop(x, boxes):
    """Bilinear resize of each crop back to the full size, align_corners=False with the source
    index clamped into the crop (F.interpolate's rule), all images in one grid_sample call."""
    n, _, H, W = x.shape
    b = torch.from_numpy(boxes).to(x.dtype)
    i, j, h, w = b[:, 0:1], b[:, 1:2], b[:, 2:3], b[:, 3:4]
    oy = torch.arange(H, dtype=x.dtype).unsqueeze(0)
    ox = torch.arange(W, dtype=x.dtype).unsqueeze(0)
    sy = torch.minimum(((oy + 0.5) * h / H - 0.5).clamp(min=0), h - 1) + i  # [n, H] source rows
    sx = torch.minimum(((ox + 0.5) * w / W - 0.5).clamp(min=0), w - 1) + j
    gy = 2 * sy / (H - 1) - 1
    gx = 2 * sx / (W - 1) - 1
    grid = torch.stack([gx.unsqueeze(1).expand(n, H, W), gy.unsqueeze(2).expand(n, H, W)], dim=3)
    return F.grid_sample(x, grid, mode='bilinear', padding_mode='border', align_corners=True)


def color_jitter(g, x, strength=0.4, p=0.8):
    """RandomApply(ColorJitter(brightness, contrast), p) per image, random order per image."""
    n = x.shape[0]
    fb = 1 - strength + 2 * strength * torch.rand(n, 1, 1, 1, generator=g)
    fc = 1 - strength + 2 * strength * torch.rand(n, 1, 1, 1, generator=g)
    contrast_first = torch.rand(n, 1, 1, 1, generator=g) < 0.5
    apply = torch.rand(n, 1, 1, 1, generator=g) < p
    bright = lambda v: (fb * v).clamp(0, 1)
    contrast = lambda v: (fc * v + (1 - fc) * v.mean(dim=(1, 2, 3), keepdim=True)).clamp(0, 1)
    jittered = torch.where(contrast_first, bright(contrast(x)), contrast(bright(x)))
    return torch.where(apply, jittered, x)


def augment(g, x):
    n, _, H, W = x.shape
    v = resized_crop(x, sample_crops(g, n, H, W))
    flip = torch.rand(n, 1, 1, 1, generator=g) < 0.5
    v = torch.where(flip, v.flip(3), v)
    return color_jitter(g, v)


def nt_xent(z1, z2, tau):
    z = F.normalize(torch.cat([z1, z2]), dim=1)
    n = z1.shape[0]
    s = z @ z.t() / tau
    s.fill_diagonal_(float('-inf'))
    target = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    return F.cross_entropy(s, target)


def sup_con(z1, z2, labels, tau):
    """Khosla et al. L_out with base temperature = tau: mean over anchors of the mean over positives."""
    z = F.normalize(torch.cat([z1, z2]), dim=1)
    y = torch.cat([labels, labels])
    s = z @ z.t() / tau
    eye = torch.eye(len(y), dtype=torch.bool)
    s = s.masked_fill(eye, float('-inf'))
    log_prob = s - torch.logsumexp(s, dim=1, keepdim=True)
    pos = (y.unsqueeze(0) == y.unsqueeze(1)) & ~eye
    return -(log_prob.masked_fill(~pos, 0).sum(1) / pos.sum(1)).mean()


def make_model(width):
    """Encoder, projector and Adam (lr 1e-3) of the recipe."""
    encoder = Encoder(width)
    proj = projector(encoder.out_dim)
    opt = torch.optim.Adam(list(encoder.parameters()) + list(proj.parameters()), lr=1e-3)
    return encoder, proj, opt


def make_step(g, encoder, proj, opt, method, tau, joint_bn=False, timings=None):
    """One training step on a batch (x, y): two views, encoder + projector, loss, backward, Adam.
    Each view goes through the encoder in its own call (batch norm over the B images of that view),
    as @contrastive/train's contrastiveMethod does; joint_bn: both views in one call (2B images).
    timings (a dict): adds the CPU seconds of augmentation, forward (+ loss), backward, optimizer."""

    def step(x, y):
        c0 = time.process_time()
        v1, v2 = augment(g, x), augment(g, x)
        c1 = time.process_time()
        if joint_bn:
            z = proj(encoder(torch.cat([v1, v2])))
            z1, z2 = z[: len(x)], z[len(x) :]
        else:
            z1, z2 = proj(encoder(v1)), proj(encoder(v2))
        loss = nt_xent(z1, z2, tau) if method == 'simclr' else sup_con(z1, z2, y, tau)
        c2 = time.process_time()
        opt.zero_grad()
        loss.backward()
        c3 = time.process_time()
        opt.step()
        c4 = time.process_time()
        if timings is not None:
            for k, v in (('augment', c1 - c0), ('forward', c2 - c1), ('backward', c3 - c2), ('optimizer', c4 - c3)):
                timings[k] = timings.get(k, 0.0) + v
        return loss.item()

    return step


def step_bench(g, width, method, x, y, n, joint_bn=False):
    """Median wall and CPU seconds of `n` steps on one batch after 2 warm-up steps, and the mean
    CPU seconds per step of each part (augment, forward + loss, backward, optimizer)."""
    timings = {}
    step = make_step(g, *make_model(width), method, 0.2 if method == 'simclr' else 0.1, joint_bn, timings)
    times, cpu = [], []
    for k in range(n + 2):
        if k == 2:
            timings.clear()
        t, c = time.time(), time.process_time()
        step(x, y)
        times.append(time.time() - t)
        cpu.append(time.process_time() - c)
    return {'step_seconds': float(np.median(times[2:])), 'step_cpu_seconds': float(np.median(cpu[2:])),
            'step_cpu_seconds_mean': float(np.mean(cpu[2:])),
            'breakdown_cpu_seconds': {k: v / n for k, v in timings.items()}}


def check_step(path):
    """Recomputes our step 0 (bench/real-data/ours.mjs --check-step) in PyTorch: our views and
    weights (NHWC / HWIO / [in, out] transposed to NCHW / OIHW / [out, in]), the NT-Xent loss
    (tau 0.2) with each view encoded in its own call, training-mode batch norm, and the gradient of
    every variable, in float64 (PyTorch's own float32 gradients differ from float64 by up to 0.6 %
    of a variable's largest entry: the first layer's batch-norm shift sums 25 000 terms that cancel;
    ours is within 1e-5 of float64). Returns both losses and the largest difference of a gradient
    entry relative to its variable's largest entry."""
    with open(path) as f:
        ours = json.load(f)
    encoder, proj, _ = make_model(ours['width'])
    encoder, proj = encoder.double(), proj.double()
    tensors = {v['name']: torch.tensor(v['values'], dtype=torch.float64).reshape(v['shape']) for v in ours['variables']}
    convs = [m for m in encoder.body if isinstance(m, nn.Conv2d)]
    bns = [m for m in encoder.body if isinstance(m, nn.BatchNorm2d)]
    lins = [m for m in proj if isinstance(m, nn.Linear)]
    pairs = []
    with torch.no_grad():
        for l, (conv, bn) in enumerate(zip(convs, bns)):
            pairs += [(f'convNet/conv{l}/W', conv.weight, lambda t: t.permute(3, 2, 0, 1)),
                      (f'convNet/conv{l}/bn/gamma', bn.weight, lambda t: t),
                      (f'convNet/conv{l}/bn/beta', bn.bias, lambda t: t)]
        for l, lin in enumerate(lins):
            pairs += [(f'projector/layer{l}/W', lin.weight, lambda t: t.t()),
                      (f'projector/layer{l}/b', lin.bias, lambda t: t)]
        for name, p, to_torch in pairs:
            p.copy_(to_torch(tensors[name]))
    views = [torch.tensor(v['values'], dtype=torch.float64).reshape(v['shape']).permute(0, 3, 1, 2) for v in ours['views']]
    loss = nt_xent(proj(encoder(views[0])), proj(encoder(views[1])), 0.2)
    loss.backward()
    names = [v['name'] for v in ours['variables']]
    worst = 0.0
    for name, p, to_torch in pairs:
        g_ours = to_torch(torch.tensor(ours['grads'][names.index(name)], dtype=torch.float64).reshape(tensors[name].shape))
        worst = max(worst, float((g_ours - p.grad).abs().max() / p.grad.abs().max().clamp(min=1e-30)))
    return {'loss_ours': ours['loss'], 'loss_torch': loss.item(),
            'loss_rel_diff': abs(ours['loss'] - loss.item()) / abs(loss.item()),
            'grad_max_rel_diff': worst, 'variables': len(pairs)}


def features(encoder, x, batch=1000):
    encoder.eval()
    with torch.no_grad():
        out = torch.cat([encoder(x[k : k + batch]) for k in range(0, len(x), batch)])
    encoder.train()
    return out


def linear_probe(xtr, ytr, xte, yte, l2=1e-4, iters=100):
    xtr, xte = xtr.double().reshape(len(xtr), -1), xte.double().reshape(len(xte), -1)
    mu = xtr.mean(0)
    sd = xtr.std(0, unbiased=False)
    sd = torch.where(sd > 1e-12 * torch.clamp(mu.abs(), min=1), sd, torch.ones_like(sd))
    xtr, xte = (xtr - mu) / sd, (xte - mu) / sd
    classes = int(max(ytr.max(), yte.max())) + 1
    W = torch.zeros(xtr.shape[1], classes, dtype=torch.float64, requires_grad=True)
    b = torch.zeros(classes, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([W, b], lr=1, max_iter=iters, history_size=10, tolerance_grad=1e-6,
                            tolerance_change=1e-12, line_search_fn='strong_wolfe')

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(xtr @ W + b, ytr) + 0.5 * l2 * (W * W).sum()
        loss.backward()
        return loss

    opt.step(closure)
    with torch.no_grad():
        acc = lambda x, y: ((x @ W + b).argmax(1) == y).double().mean().item()
        loss = F.cross_entropy(xtr @ W + b, ytr) + 0.5 * l2 * (W * W).sum()
        return {'test_accuracy': acc(xte, yte), 'train_accuracy': acc(xtr, ytr),
                'train_loss': loss.item(), 'iterations': opt.state[opt._params[0]]['n_iter']}


def peak_rss_mb():
    """VmHWM of this process (getrusage's ru_maxrss keeps, across exec, the RSS of the process that
    spawned this one: the bench's Node process)."""
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--split', required=True)
    ap.add_argument('--size', choices=list(SIZES), default='small')
    ap.add_argument('--method', choices=['simclr', 'supcon'], default='simclr')
    ap.add_argument('--epochs', type=int, default=0)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--train-images', type=int)
    ap.add_argument('--width', type=float)
    ap.add_argument('--batch', type=int, default=256)
    ap.add_argument('--raw-probe', action='store_true')
    ap.add_argument('--aug-bench', action='store_true')
    ap.add_argument('--step-bench', type=int, default=0)
    ap.add_argument('--threads', type=int)
    ap.add_argument('--check-step', help='JSON of bench/real-data/ours.mjs --check-step: our step 0 to recompute')
    ap.add_argument('--joint-bn', action='store_true',
                    help='encode both views in one call (batch norm over 2B images), as this script did before 2026-11-30 16:00; default: one call per view, as ours')
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    size = dict(SIZES[a.size])
    if a.train_images:
        size['train_images'] = a.train_images
    if a.width:
        size['width'] = a.width
    torch.manual_seed(a.seed)
    g = torch.Generator().manual_seed(a.seed)
    xtr, ytr, xte, yte = load_split(a.split, size['train_images'])
    out = {'size': a.size, **size, 'method': a.method, 'seed': a.seed, 'batch': a.batch, 'threads': torch.get_num_threads(),
           'torch': torch.__version__}

    if a.raw_probe:
        t = time.time()
        out['raw_probe'] = linear_probe(xtr, ytr, xte, yte)
        out['raw_probe']['seconds'] = time.time() - t

    if a.aug_bench:
        x = xtr[: a.batch]
        for _ in range(2):
            augment(g, x), augment(g, x)
        n, t, c = 0, time.time(), time.process_time()
        while time.time() - t < 3:
            augment(g, x), augment(g, x)
            n += 1
        out['aug_images_per_second'] = 2 * a.batch * n / (time.time() - t)
        out['aug_images_per_cpu_second'] = 2 * a.batch * n / (time.process_time() - c)

    if a.check_step:
        out['check_step'] = check_step(a.check_step)

    if a.step_bench:
        out.update(step_bench(g, size['width'], a.method, xtr[: a.batch], ytr[: a.batch], a.step_bench, a.joint_bn))

    if a.epochs:
        model = make_model(size['width'])
        step = make_step(g, *model, a.method, 0.2 if a.method == 'simclr' else 0.1, joint_bn=a.joint_bn)
        steps_per_epoch = len(xtr) // a.batch
        epochs = []
        for e in range(a.epochs):
            perm = torch.randperm(len(xtr), generator=g)
            t, cpu, losses = time.time(), time.process_time(), []
            for s in range(steps_per_epoch):
                idx = perm[s * a.batch : (s + 1) * a.batch]
                losses.append(step(xtr[idx], ytr[idx]))
            epochs.append({'seconds': time.time() - t, 'cpu_seconds': time.process_time() - cpu,
                           'loss_first': losses[0], 'loss_last': float(np.mean(losses[-10:]))})
            print(json.dumps({'epoch': e + 1, **epochs[-1]}), file=sys.stderr, flush=True)
        out['epochs'] = epochs
        out['steps_per_epoch'] = steps_per_epoch
        t = time.time()
        ftr, fte = features(model[0], xtr), features(model[0], xte)
        out['probe'] = linear_probe(ftr, ytr, fte, yte)
        out['probe']['seconds'] = time.time() - t
    out['peak_rss_mb'] = peak_rss_mb()
    print(json.dumps(out))


if __name__ == '__main__':
    main()
