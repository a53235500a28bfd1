"""nas4ml.run / nas4ml.Campaign: the DataFrames hold what `nas4ml front --json` and `nas4ml export
--json` print; a KeyboardInterrupt raised while the campaign runs stops it cleanly and resumably."""
import json
import math
import os
import signal

import onnx
import pandas
import pytest

import nas4ml
from conftest import FIXTURES, cli

EXPERIMENT = os.path.join(FIXTURES, "tiny_experiment.json")


def same_cell(a, b):
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return a == b


def assert_frame_equals_json(frame, rows):
    assert isinstance(frame, pandas.DataFrame)
    assert len(frame) == len(rows) and len(rows) > 0
    assert list(frame.columns) == list(rows[0].keys())
    for i, row in enumerate(rows):
        for k, v in row.items():
            assert same_cell(frame.iloc[i][k] if not isinstance(frame.iloc[i][k], float) else float(frame.iloc[i][k]), v), (k, v)


def test_run_front_evaluations_model(tmp_path):
    out = tmp_path / "run"
    seen = []
    s = nas4ml.run(EXPERIMENT, out=out, progress=seen.append)
    assert s["finished"] and s["generations"] == 2 and s["evaluations"] == 8
    assert [p["generation"] for p in seen] == [0, 1] and seen[-1]["evaluations"] == 8
    c = nas4ml.Campaign(out)
    assert_frame_equals_json(c.front(), json.loads(cli("front", out, "--json").stdout))
    ev = c.evaluations()
    assert_frame_equals_json(ev, json.loads(cli("export", out, "--json").stdout))
    assert "values_accuracy" in ev.columns and len(ev) == 8
    first = c.front().iloc[0]
    model = c.model(first["id"])
    d = nas4ml.load_dataset(os.path.join(FIXTURES, "magic_small.json"))
    acc = model.evaluate(d["X_val"], d["y_val"], preprocessed=True)["accuracy"]
    assert acc == pytest.approx(first["accuracy"], abs=1e-12)
    # Every emitted winner has its QONNX graph, equal to what export-model writes.
    winner = out / "firmware" / first["id"] / "model.onnx"
    onnx.checker.check_model(onnx.load(str(winner)))
    cli("export-model", out / "firmware" / first["id"] / "model.q.json", "--qonnx", tmp_path / "again.onnx")
    assert winner.read_bytes() == (tmp_path / "again.onnx").read_bytes()
    with pytest.raises(nas4ml.ConfigError):
        c.model("zzzz")
    with pytest.raises(nas4ml.ConfigError):
        nas4ml.Campaign(tmp_path / "nothing")


def test_ctrl_c_stops_cleanly_and_resumes(tmp_path):
    out = tmp_path / "run"

    def interrupt(info):  # as if the user pressed Ctrl-C during generation 0
        signal.raise_signal(signal.SIGINT)

    with pytest.raises(KeyboardInterrupt):
        nas4ml.run(EXPERIMENT, out=out, progress=interrupt, emit=False)
    assert len(nas4ml.Campaign(out).evaluations()) == 4  # generation 0 is stored
    s = nas4ml.resume(out, emit=False)
    assert s["finished"] and s["evaluations"] == 8
    reference = tmp_path / "reference"
    nas4ml.run(EXPERIMENT, out=reference, emit=False)
    assert json.loads(cli("front", out, "--json").stdout) == json.loads(cli("front", reference, "--json").stdout)
