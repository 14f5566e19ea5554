"""Which BLAS numpy, PyTorch and scikit-learn use here, and how fast numpy's sgemm runs.

Prints one JSON line: threadpoolctl's view of the BLAS libraries loaded after importing numpy,
scikit-learn and torch (library, version, kernel family — OpenBLAS calls it the architecture),
the 1024 x 1024 float32 product's GFLOP/s (best of `reps` calls, wall clock), and a digest of a
fixed product so that two runs under different OPENBLAS_CORETYPE can be checked to agree.

Usage: python3 blas_probe.py [reps]   (threads come from OPENBLAS_NUM_THREADS, as for the bench)
"""
import json
import sys
import time

import numpy as np

reps = int(sys.argv[1]) if len(sys.argv) > 1 else 5
loaded = ['numpy']
for name in ('sklearn', 'torch'):
    try:
        __import__(name)
        loaded.append(name)
    except ImportError:
        pass

try:
    from threadpoolctl import threadpool_info
    pools = [p for p in threadpool_info() if p.get('user_api') == 'blas']
except ImportError:
    pools = []

rng = np.random.default_rng(0)
a = rng.standard_normal((1024, 1024), dtype=np.float32)
b = rng.standard_normal((1024, 1024), dtype=np.float32)
c = a @ b
best = float('inf')
for _ in range(reps):
    t0 = time.perf_counter()
    c = a @ b
    best = min(best, time.perf_counter() - t0)

print(json.dumps({
    'loaded': loaded,
    'blas': [{'library': p.get('internal_api'), 'version': p.get('version'), 'kernel': p.get('architecture'),
              'threads': p.get('num_threads'), 'path': p.get('filepath')} for p in pools],
    'gflops': 2 * 1024 ** 3 / best / 1e9,
    # A digest to compare runs: a few entries of the product, and its sum in float64.
    'sample': [float(c[i, j]) for i, j in ((0, 0), (17, 901), (511, 512), (1023, 1023))],
    'sum': float(c.astype(np.float64).sum()),
}))
