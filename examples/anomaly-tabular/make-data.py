"""Exports scikit-learn's bundled breast-cancer data (Breast Cancer Wisconsin, Diagnostic) for the
anomaly-tabular example, with the train/test split and the baselines computed on that split.

How to run (from the repository root; Debian's python3-sklearn 1.2.1 ships the data, nothing is
downloaded):

    /usr/bin/python3 examples/anomaly-tabular/make-data.py

It writes examples/anomaly-tabular/data/breast-cancer.json (committed; see data/README.md for
the licence and citation):
- features (30 names), x (569 x 30, as sklearn.datasets.load_breast_cancer gives them) and
  anomaly (1 = malignant, 0 = benign: sklearn's target is 0 = malignant, so it is flipped);
- split: a seeded permutation of the 357 benign rows, 70 % for training (the background), the
  other 30 % and all 212 malignant rows for testing;
- baselines on that split, features standardised by a StandardScaler fitted on the training rows:
  - PCA(n_components=k), score = mean squared reconstruction error (as the package's PCA score);
  - IsolationForest(n_estimators=200, random_state=0), score = -score_samples(x);
  their sklearn.metrics.roc_auc_score and average_precision_score on the test rows.
"""

import json
import os

import numpy as np
import sklearn
from sklearn.datasets import load_breast_cancer
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "data", "breast-cancer.json")
K = 4

data = load_breast_cancer()
x = data.data
anomaly = (data.target == 0).astype(int)
benign = np.flatnonzero(anomaly == 0)
malignant = np.flatnonzero(anomaly == 1)
rng = np.random.default_rng(17)
perm = rng.permutation(benign)
n_train = int(round(0.7 * len(benign)))
train = np.sort(perm[:n_train])
test = np.sort(np.concatenate([perm[n_train:], malignant]))

scaler = StandardScaler().fit(x[train])
xt, xs = scaler.transform(x[train]), scaler.transform(x[test])
y = anomaly[test]

pca = PCA(n_components=K).fit(xt)
pca_scores = np.mean((xs - pca.inverse_transform(pca.transform(xs))) ** 2, axis=1)
forest = IsolationForest(n_estimators=200, random_state=0).fit(xt)
forest_scores = -forest.score_samples(xs)

doc = {
    "about": "Written by examples/anomaly-tabular/make-data.py from scikit-learn's bundled copy of the UCI Breast Cancer Wisconsin (Diagnostic) data; see data/README.md.",
    "versions": {"sklearn": sklearn.__version__, "numpy": np.__version__},
    "features": [str(f) for f in data.feature_names],
    "x": [[float(v) for v in row] for row in x],
    "anomaly": [int(v) for v in anomaly],
    "split": {"seed": 17, "train": [int(i) for i in train], "test": [int(i) for i in test]},
    "baselines": {
        "pca": {"nComponents": K, "rocAuc": float(roc_auc_score(y, pca_scores)), "averagePrecision": float(average_precision_score(y, pca_scores))},
        "isolationForest": {
            "nEstimators": 200,
            "randomState": 0,
            "rocAuc": float(roc_auc_score(y, forest_scores)),
            "averagePrecision": float(average_precision_score(y, forest_scores)),
        },
    },
}
with open(OUT, "w") as f:
    json.dump(doc, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {OUT}: {len(train)} training rows, {len(test)} test rows ({int(y.sum())} malignant)")
print(json.dumps(doc["baselines"], indent=1))
