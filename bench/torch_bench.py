"""PyTorch side of `npm run bench` (bench/run.ts): the same workloads on the same data.

bench/run.ts writes the MNIST split it uses (bench/mnist-data.ts) to a raw float32 file, rows of
784 pixels, the training rows first, then the test rows, and calls

    /usr/bin/python3 bench/torch_bench.py DATA N_TRAIN N_TEST THREADS WORKLOAD EPOCHS SEED

with WORKLOAD one of w1, w2, w4, gemm. It prints one JSON object on stdout.

- w1: 784-256-64-256-784 autoencoder (ReLU on every hidden layer and the code, sigmoid output),
  BCE (mean per element), Adam 1e-3, batch 128, shuffled. Seconds per epoch, final train loss
  (per-sample mean over the last epoch), test BCE.
- w2: VAE 784-512-(20, 20) / 20-512-784, Bernoulli (BCE summed over pixels) + KL, Adam 1e-3,
  batch 128, shuffled (as pytorch/examples/vae). Seconds per epoch, test negative ELBO with one
  sample z ~ q(z|x) per digit.
- w4: inference on the test rows with the W1 network trained for EPOCHS epochs: reconstruction
  and per-sample MSE anomaly scores, samples per second (median of repeats), by the wall clock
  and per process CPU second.

- gemm: GFLOP/s of the three products of a training step (X·W, δ·Wᵀ, Xᵀ·δ) at W2's sizes, per
  process CPU second (best of repeats).

Training workloads report wall-clock and process CPU seconds (time.process_time) per epoch.

THREADS sets torch.set_num_threads; bench/run.ts sets OMP_WAIT_POLICY=PASSIVE.
"""
import json
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

from torch_models import train_w1, train_w2, vae_terms


def load(path, n_train, n_test):
    x = torch.from_numpy(np.fromfile(path, dtype=np.float32).reshape(n_train + n_test, 784).copy())
    return x[:n_train], x[n_train:]


def run_w1(train, test, epochs, seed):
    model, stats = train_w1(train, epochs, seed)
    with torch.no_grad():
        stats['test'] = F.binary_cross_entropy(model(test), test).item()
    return stats


def run_w2(train, test, epochs, seed):
    model, stats = train_w2(train, epochs, seed)
    with torch.no_grad():
        rec, mu, logvar = model(test)
        bce, kl = vae_terms(rec, test, mu, logvar)
    stats['test'] = (bce + kl).item() / test.shape[0]
    return stats


def median(xs):
    s = sorted(xs)
    return s[len(s) // 2]


def run_w4(train, test, epochs, seed, repeats=15):
    model = train_w1(train, epochs, seed)[0]
    model.eval()
    n = test.shape[0]
    out = {'wall': {}, 'cpu': {}}
    with torch.no_grad():
        for name, f in (
            ('reconstruct', lambda: model(test)),
            ('anomalyScores', lambda: ((model(test) - test) ** 2).mean(dim=1)),
        ):
            f()
            wall, cpu = [], []
            for _ in range(repeats):
                t0, c0 = time.perf_counter(), time.process_time()
                f()
                wall.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
            out['wall'][name] = n / median(wall)
            out['cpu'][name] = n / max(median(cpu), 1e-9)
    return out


def run_gemm(train, test, epochs, seed, repeats=20):
    """GFLOP/s (per process CPU second) of the three products of a dense layer's training step."""
    del train, test, epochs
    torch.manual_seed(seed)
    out = {}
    for name, m, k, n in GEMM_SHAPES:
        a = torch.randn(m, k) if name != 'tn' else torch.randn(k, m)
        b = torch.randn(k, n) if name != 'nt' else torch.randn(n, k)
        f = {'nn': lambda: a @ b, 'nt': lambda: a @ b.t(), 'tn': lambda: a.t() @ b}[name]
        f()
        best = float('inf')
        for _ in range(repeats):
            c0 = time.process_time()
            for _ in range(3):
                f()
            best = min(best, (time.process_time() - c0) / 3)
        out[f'{name} {m}x{k}x{n}'] = 2 * m * k * n / max(best, 1e-9) / 1e9
    return out


# (form, m, k, n): C[m×n] = A'·B' with k inner; nn = X·W, nt = δ·Wᵀ, tn = Xᵀ·δ (W2's first and last layers).
GEMM_SHAPES = [('nn', 128, 784, 512), ('nt', 128, 784, 512), ('tn', 784, 128, 512)]


def main():
    path, n_train, n_test, threads, workload, epochs, seed = sys.argv[1:8]
    torch.set_num_threads(int(threads))
    train, test = load(path, int(n_train), int(n_test))
    run = {'w1': run_w1, 'w2': run_w2, 'w4': run_w4, 'gemm': run_gemm}[workload]
    result = run(train, test, int(epochs), int(seed))
    result['torch'] = torch.__version__
    result['threads'] = torch.get_num_threads()
    print(json.dumps(result))


if __name__ == '__main__':
    main()
