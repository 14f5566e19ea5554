"""The PyTorch networks and training loops of W1 and W2, shared by bench/torch_bench.py (speed)
and bench/torch_quality.py (test losses), so that both measure the same thing.

- W1: 784-256-64-256-784 autoencoder (ReLU on every hidden layer and the code, sigmoid output),
  BCE (mean per element), Adam 1e-3, batch 128, shuffled.
- W2: VAE 784-512-(20, 20) / 20-512-784, Bernoulli, loss = BCE summed over pixels + KL (as in
  pytorch/examples/vae), Adam 1e-3, batch 128, shuffled.

- W2 trained on the IWAE bound (Burda et al. 2016) with K draws per digit instead of the ELBO.
- log_likelihood: the importance-sampled log p(x) with q(z|x) as the proposal, the estimator of
  the package's logLikelihood (log-sum-exp over the K draws, streamed in chunks).

Each training loop reports, per epoch, the wall-clock and process CPU seconds
(time.process_time) and the per-sample mean training loss.
"""
import time

import torch
from torch import nn
import torch.nn.functional as F

BATCH = 128
LEARNING_RATE = 1e-3


def batches(x, batch_size, generator):
    order = torch.randperm(x.shape[0], generator=generator)
    for i in range(0, x.shape[0], batch_size):
        yield x[order[i:i + batch_size]]


def autoencoder():
    return nn.Sequential(
        nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 64), nn.ReLU(),
        nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 784), nn.Sigmoid(),
    )


class Vae(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 512)
        self.fc21 = nn.Linear(512, 20)
        self.fc22 = nn.Linear(512, 20)
        self.fc3 = nn.Linear(20, 512)
        self.fc4 = nn.Linear(512, 784)

    def encode(self, x):
        h = F.relu(self.fc1(x))
        return self.fc21(h), self.fc22(h)

    def decode(self, z):
        return torch.sigmoid(self.fc4(F.relu(self.fc3(z))))

    def forward(self, x, sample=True):
        mu, logvar = self.encode(x)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu) if sample else mu
        return self.decode(z), mu, logvar


def vae_terms(rec, x, mu, logvar):
    """Summed over the batch: the Bernoulli negative log-likelihood and KL(q(z|x) || N(0, I))."""
    bce = F.binary_cross_entropy(rec, x, reduction='sum')
    kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return bce, kl


def _fit(model, train, epochs, seed, batch_loss):
    """Adam over `model`; `batch_loss(model, xb)` gives (loss to minimise, its sum over the batch)."""
    opt = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    g = torch.Generator().manual_seed(seed)
    seconds, cpu, losses = [], [], []
    for _ in range(epochs):
        t0, c0 = time.perf_counter(), time.process_time()
        total = 0.0
        for xb in batches(train, BATCH, g):
            loss, summed = batch_loss(model, xb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += summed.item()
        seconds.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        losses.append(total / train.shape[0])
    return {'seconds': seconds, 'cpu_seconds': cpu, 'losses': losses}


def _w1_loss(model, xb):
    loss = F.binary_cross_entropy(model(xb), xb)
    return loss, loss.detach() * xb.shape[0]


def _w2_loss(model, xb):
    rec, mu, logvar = model(xb)
    bce, kl = vae_terms(rec, xb, mu, logvar)
    loss = bce + kl
    return loss, loss.detach()


def log_weights(model, x, eps):
    """log p(x|z_k) + log p(z_k) - log q(z_k|x) for z_k = mu + sigma * eps_k, eps [k, n, 20]: [k, n]."""
    mu, logvar = model.encode(x)
    std = torch.exp(0.5 * logvar)
    z = mu.unsqueeze(0) + std.unsqueeze(0) * eps
    logits = model.fc4(F.relu(model.fc3(z)))
    log_px = -F.binary_cross_entropy_with_logits(logits, x.unsqueeze(0).expand_as(logits), reduction='none').sum(-1)
    # log p(z) - log q(z|x) = 1/2 sum_j (eps^2 + log sigma^2 - z^2): the log 2 pi terms cancel.
    return log_px + 0.5 * (eps.pow(2) + logvar.unsqueeze(0) - z.pow(2)).sum(-1)


@torch.no_grad()
def log_likelihood(model, x, samples, seed, batch=100, chunk=100):
    """Per-digit estimates of log p(x) with `samples` importance samples (float64 accumulation)."""
    g = torch.Generator().manual_seed(seed)
    out = []
    for i in range(0, x.shape[0], batch):
        xb = x[i:i + batch]
        parts = []
        for k0 in range(0, samples, chunk):
            k = min(chunk, samples - k0)
            eps = torch.randn(k, xb.shape[0], 20, generator=g)
            parts.append(torch.logsumexp(log_weights(model, xb, eps).double(), 0))
        out.append(torch.logsumexp(torch.stack(parts), 0) - torch.log(torch.tensor(float(samples), dtype=torch.float64)))
    return torch.cat(out)


def _iwae_loss(k):
    def loss_fn(model, xb):
        eps = torch.randn(k, xb.shape[0], 20)
        bound = torch.logsumexp(log_weights(model, xb, eps), 0) - torch.log(torch.tensor(float(k)))
        loss = -bound.mean()
        return loss, loss.detach() * xb.shape[0]
    return loss_fn


def train_w2_iwae(train, epochs, seed, k):
    """The W2 VAE trained on the K-sample IWAE bound: (model, per-epoch stats)."""
    torch.manual_seed(seed)
    model = Vae()
    return model, _fit(model, train, epochs, seed, _iwae_loss(k))


def train_w1(train, epochs, seed):
    """The W1 autoencoder (seeded with `seed`), trained: (model, per-epoch stats)."""
    torch.manual_seed(seed)
    model = autoencoder()
    return model, _fit(model, train, epochs, seed, _w1_loss)


def train_w2(train, epochs, seed):
    """The W2 VAE (seeded with `seed`), trained: (model, per-epoch stats)."""
    torch.manual_seed(seed)
    model = Vae()
    return model, _fit(model, train, epochs, seed, _w2_loss)
