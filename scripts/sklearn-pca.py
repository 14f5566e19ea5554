#!/usr/bin/env python3
"""Move a fitted PCA between scikit-learn and the `autoencoders` package.

The JSON is what `pca.toSklearn()` writes and `PCA.fromSklearn(json)` reads: the fitted
attributes of `sklearn.decomposition.PCA` / `IncrementalPCA` under their own names, as plain
arrays (`components_`, `mean_`, `explained_variance_`, `explained_variance_ratio_`,
`singular_values_`, `noise_variance_`, `n_components_`, `n_samples_`, `n_features_in_`, `whiten`,
and `var_` for incremental fits).

As a module:

    from sklearn_pca import to_json, from_json   # (import by path: importlib, or copy the file)
    doc = to_json(fitted_model)                   # a dict, json.dump() it
    model = from_json(doc)                        # a fitted PCA or IncrementalPCA

From the command line (a fitted model is pickled with joblib or pickle):

    python3 scripts/sklearn-pca.py to-json model.pkl model.json
    python3 scripts/sklearn-pca.py from-json model.json model.pkl

Only trusted pickles may be loaded: unpickling runs code.
"""
import json
import pickle
import sys

import numpy as np
from sklearn.decomposition import PCA, IncrementalPCA


def to_json(model):
    """The JSON-safe attributes of a fitted PCA or IncrementalPCA (see the module docstring)."""
    if not isinstance(model, (PCA, IncrementalPCA)):
        raise TypeError(f"to_json: expected a fitted sklearn PCA or IncrementalPCA, got {type(model).__name__}")
    if not hasattr(model, "components_"):
        raise ValueError("to_json: the model is not fitted")
    incremental = isinstance(model, IncrementalPCA)
    doc = {
        "components_": np.asarray(model.components_, dtype=np.float64).tolist(),
        "mean_": np.asarray(model.mean_, dtype=np.float64).tolist(),
        "explained_variance_": np.asarray(model.explained_variance_, dtype=np.float64).tolist(),
        "explained_variance_ratio_": np.asarray(model.explained_variance_ratio_, dtype=np.float64).tolist(),
        "singular_values_": np.asarray(model.singular_values_, dtype=np.float64).tolist(),
        "noise_variance_": float(model.noise_variance_),
        "n_components_": int(model.n_components_),
        "n_samples_": int(model.n_samples_seen_ if incremental else model.n_samples_),
        "n_features_in_": int(model.n_features_in_),
        "whiten": bool(model.whiten),
    }
    if incremental:
        doc["var_"] = np.asarray(model.var_, dtype=np.float64).tolist()
    return doc


def from_json(doc):
    """A fitted scikit-learn model from such JSON: IncrementalPCA when `var_` is present, else PCA."""
    k = int(doc["n_components_"])
    d = int(doc["n_features_in_"])
    components = np.asarray(doc["components_"], dtype=np.float64)
    if components.shape != (k, d):
        raise ValueError(f"from_json: components_ has shape {components.shape}, expected ({k}, {d})")
    incremental = "var_" in doc
    if incremental:
        model = IncrementalPCA(n_components=k, whiten=bool(doc["whiten"]))
        model.n_samples_seen_ = int(doc["n_samples_"])
        model.var_ = np.asarray(doc["var_"], dtype=np.float64)
        model.batch_size_ = 5 * d
    else:
        model = PCA(n_components=k, whiten=bool(doc["whiten"]))
        model.n_samples_ = int(doc["n_samples_"])
    model.components_ = components
    model.mean_ = np.asarray(doc["mean_"], dtype=np.float64)
    model.explained_variance_ = np.asarray(doc["explained_variance_"], dtype=np.float64)
    model.explained_variance_ratio_ = np.asarray(doc["explained_variance_ratio_"], dtype=np.float64)
    model.singular_values_ = np.asarray(doc["singular_values_"], dtype=np.float64)
    model.noise_variance_ = float(doc["noise_variance_"])
    model.n_components_ = k
    model.n_features_in_ = d
    return model


def main(argv):
    if len(argv) != 4 or argv[1] not in ("to-json", "from-json"):
        print(__doc__)
        return 2
    command, src, dst = argv[1:]
    if command == "to-json":
        with open(src, "rb") as f:
            model = pickle.load(f)
        with open(dst, "w") as f:
            json.dump(to_json(model), f)
    else:
        with open(src) as f:
            model = from_json(json.load(f))
        with open(dst, "wb") as f:
            pickle.dump(model, f)
    print(f"wrote {dst}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
