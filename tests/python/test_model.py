"""nas4ml.load_model: predict() is the golden integer model, bit-exact with `nas4ml sim` (the
Verilog simulated by Verilator against the same golden vectors); estimate() equals `nas4ml estimate --json`."""
import json
import os

import numpy as np
import pytest

import nas4ml
from conftest import MAGIC, cli


def unpack_rows(path, widths, signed):
    """Rows of a $readmemh file: value j has widths[j] bits starting at the sum of the previous ones."""
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("//"):
                continue
            word, shift, row = int(line, 16), 0, []
            for w, s in zip(widths, signed):
                v = (word >> shift) & ((1 << w) - 1)
                if s and v >= 1 << (w - 1):
                    v -= 1 << w
                row.append(v)
                shift += w
            rows.append(row)
    return np.array(rows, dtype=np.int64)


def test_predict_equals_sim_on_magic(trained, magic_raw, tmp_path):
    path, record = trained
    model = nas4ml.load_model(path)
    out = tmp_path / "sim"
    r = cli("-q", "sim", path, "--data", MAGIC, "--samples", 1000, "--out", out, "--json")
    sim = json.loads(r.stdout)
    assert sim["bit_exact"] and sim["mismatches"] == 0 and sim["checked"] == 1000
    fmt = model.to_dict()["layers"][-1]["result_format"]
    width = int(fmt.split("<")[1].split(",")[0])
    expected = unpack_rows(out / "expected.hex", [width] * model.n_outputs, [not fmt.startswith("ap_ufixed")] * model.n_outputs)
    raw = model.predict_raw(magic_raw["X_test"][:1000])
    assert raw.shape == (1000, 2)
    assert np.array_equal(raw, expected)
    # predict() is the same numbers as real values; predict_classes() their argmax.
    lsb = 2.0 ** -(width - int(fmt.split(",")[1].split(">")[0].split(",")[0]))
    assert np.array_equal(model.predict(magic_raw["X_test"][:1000]), raw * lsb)
    assert np.array_equal(model.predict_classes(magic_raw["X_test"][:1000]), np.argmax(raw, axis=1))


def test_accuracy_equals_train_record(trained, magic_raw):
    path, record = trained
    model = nas4ml.load_model(path)
    classes = model.predict_classes(magic_raw["X_test"])
    accuracy = float(np.mean(classes == magic_raw["y_test"]))
    assert accuracy == pytest.approx(record["metrics"]["test"]["accuracy"], abs=0)
    assert model.evaluate(magic_raw["X_test"], magic_raw["y_test"])["accuracy"] == accuracy


def test_estimate_equals_cli(trained):
    path, _ = trained
    model = nas4ml.load_model(path)
    for flavor in ("rtl", "hls"):
        mine = model.estimate(device="xcvu9p", flavor=flavor)
        theirs = json.loads(cli("estimate", path, "--device", "xcvu9p", "--flavor", flavor, "--json").stdout)
        theirs.pop("model")
        assert mine == theirs
        assert mine["lut"] > 0 and mine["latency_cycles"] >= 1
    plain = model.estimate(device="xcvu9p", flavor="rtl", sharing="none")
    theirs = json.loads(cli("estimate", path, "--device", "xcvu9p", "--sharing", "none", "--json").stdout)
    theirs.pop("model")
    assert plain == theirs
    assert plain["lut"] > model.estimate(device="xcvu9p")["lut"]  # cse, the default, shares adders
    wide = model.estimate(device="xcvu9p", sharing_effort=8)
    theirs = json.loads(cli("estimate", path, "--device", "xcvu9p", "--sharing-effort", "8", "--json").stdout)
    theirs.pop("model")
    assert wide == theirs
    with pytest.raises(nas4ml.ConfigError, match="sharing_effort"):
        model.estimate(sharing_effort=0)
    with pytest.raises(nas4ml.ConfigError):
        model.estimate(sharing="CSE")


def test_errors_carry_the_cli_message(trained, tmp_path):
    bad = tmp_path / "bad.q.json"
    bad.write_text('{"format": "nas4ml.quantized_model", "version": 1, "name": 3}')
    with pytest.raises(nas4ml.ConfigError) as e:
        nas4ml.load_model(str(bad))
    r = cli("estimate", bad, check=False)
    assert r.returncode == 2
    assert r.stderr.strip() == "error: " + str(e.value)
    model = nas4ml.load_model(trained[0])
    with pytest.raises(nas4ml.DataError, match=r"X: wrong array shape, expected a 2-D array of shape \(n, 10\), got shape \(3, 4\)"):
        model.predict(np.zeros((3, 4)))
    with pytest.raises(nas4ml.ConfigError, match="unknown|device"):
        model.estimate(device="no_such_device")
    assert issubclass(nas4ml.ConfigError, nas4ml.Error) and issubclass(nas4ml.Error, ValueError)
