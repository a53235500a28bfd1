"""nas4ml.train on NumPy arrays gives the same weights as `nas4ml train` for the same data, split and seed."""
import json

import numpy as np
import pytest

import nas4ml
from conftest import MAGIC, SMALL_SPEC, cli


def test_same_weights_as_cli(trained):
    path, record = trained  # nas4ml train small_model.json --data magic.json --seed 7
    d = nas4ml.load_dataset(MAGIC)
    model, metrics = nas4ml.train(SMALL_SPEC, d["X_train"], d["y_train"], d["X_val"], d["y_val"], seed=7,
                                  X_test=d["X_test"], y_test=d["y_test"], class_names=d["class_names"],
                                  feature_names=d["feature_names"], input_offset=d["preprocessing"]["offset"],
                                  input_scale=d["preprocessing"]["scale"])
    mine, theirs = model.to_dict(), json.load(open(path))
    assert len(mine["layers"]) == 2
    for a, b in zip(mine["layers"], theirs["layers"]):
        assert a["weights"] == b["weights"] and a["biases"] == b["biases"] and a["mask"] == b["mask"]
    for split in ("train", "validation", "test"):
        assert metrics["metrics"][split]["accuracy"] == record["metrics"][split]["accuracy"]
    assert mine["preprocessing"] == theirs["preprocessing"]
    # Another seed gives other weights (the comparison above can fail).
    other, _ = nas4ml.train(SMALL_SPEC, d["X_train"], d["y_train"], d["X_val"], d["y_val"], seed=8, epochs=1)
    assert other.to_dict()["layers"][0]["weights"] != mine["layers"][0]["weights"]


def test_spec_as_dict_and_bad_inputs():
    d = nas4ml.load_dataset(MAGIC)
    spec = json.load(open(SMALL_SPEC))
    spec["training"]["epochs"] = 1
    pick = np.random.default_rng(0).permutation(len(d["y_train"]))[:2000]  # the splits are ordered by class
    model, metrics = nas4ml.train(spec, d["X_train"][pick], d["y_train"][pick], d["X_val"], d["y_val"])
    assert metrics["ok"] and model.n_inputs == 10 and model.class_names == ["0", "1"]
    assert 0.5 < metrics["metrics"]["validation"]["accuracy"] <= 1
    with pytest.raises(nas4ml.DataError, match="y_train: labels do not match the samples"):
        nas4ml.train(spec, d["X_train"][:100], d["y_train"][:99], d["X_val"], d["y_val"])
    spec["layers"][0]["units"] = -3
    with pytest.raises(nas4ml.ConfigError, match="units"):
        nas4ml.train(spec, d["X_train"][:100], d["y_train"][:100], d["X_val"], d["y_val"])
