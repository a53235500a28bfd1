"""QONNX export: the checker of Debian's python3-onnx accepts the graph, and the reference executor
(qonnx_reference.py) computes exactly the golden model's outputs on 1,000 MAGIC test samples for
several format sets (rounding, saturation, signedness, widths, float32 and float64 graphs, pruning)."""
import json

import numpy as np
import onnx
import pytest

import nas4ml
import qonnx_reference
from conftest import MAGIC, cli


def parse_format(text):
    """(width, integer, signed) of an ap_fixed spelling."""
    inner = text.split("<")[1].rstrip(">").split(",")
    return int(inner[0]), int(inner[1]), text.startswith("ap_fixed")


def raw_range(text):
    w, _, signed = parse_format(text)
    return (-(1 << (w - 1)), (1 << (w - 1)) - 1) if signed else (0, (1 << w) - 1)


# (input, weight, bias, hidden result, output result) formats
FORMAT_SETS = {
    "trained": None,  # the model as `nas4ml train` left it: AP_RND, AP_SAT
    "truncating_unsigned": ("ap_fixed<10,4,AP_TRN,AP_SAT>", "ap_fixed<4,1,AP_TRN,AP_SAT>", "ap_fixed<8,2,AP_TRN,AP_SAT>",
                            "ap_ufixed<8,3,AP_TRN,AP_SAT>", "ap_fixed<10,5,AP_TRN,AP_SAT>"),
    "wide_float64": ("ap_fixed<18,6,AP_RND,AP_SAT>", "ap_fixed<14,2,AP_RND,AP_SAT>", "ap_fixed<20,6,AP_RND,AP_SAT>",
                     "ap_fixed<16,5,AP_RND,AP_SAT>", "ap_fixed<18,8,AP_RND,AP_SAT>"),
    "narrow_pruned": ("ap_fixed<6,3,AP_RND,AP_SAT>", "ap_fixed<3,1,AP_RND,AP_SAT>", "ap_fixed<6,2,AP_RND,AP_SAT>",
                      "ap_fixed<4,2,AP_RND,AP_SAT>", "ap_fixed<5,3,AP_RND,AP_SAT>"),
}


def model_with_formats(path, formats, seed, tmp_path):
    """The trained model with other formats and random weights (30% pruned) drawn inside them."""
    m = json.load(open(path))
    if formats is None:
        return path
    rng = np.random.default_rng(seed)
    m["input_format"] = formats[0]
    for k, layer in enumerate(m["layers"]):
        last = k == len(m["layers"]) - 1
        layer["weight_format"], layer["bias_format"] = formats[1], formats[2]
        layer["result_format"] = formats[4] if last else formats[3]
        lo, hi = raw_range(formats[1])
        w = rng.integers(lo, hi + 1, size=(layer["n_out"], layer["n_in"]))
        keep = rng.random(w.shape) >= 0.3
        w = np.where(keep, w, 0)
        layer["weights"], layer["mask"] = w.tolist(), keep.astype(int).tolist()
        lo, hi = raw_range(formats[2])
        layer["biases"] = rng.integers(lo, hi + 1, size=layer["n_out"]).tolist()
    out = tmp_path / ("m%d.q.json" % seed)
    json.dump(m, open(out, "w"))
    return str(out)


@pytest.mark.parametrize("name", sorted(FORMAT_SETS))
def test_export_is_checked_and_bit_exact(name, trained, magic_raw, tmp_path):
    path = model_with_formats(trained[0], FORMAT_SETS[name], 11 + len(name), tmp_path)
    model = nas4ml.load_model(path)
    onnx_path = tmp_path / "m.onnx"
    r = cli("export-model", path, "--qonnx", onnx_path)
    assert "Quant" in r.stdout
    g = onnx.load(str(onnx_path))
    onnx.checker.check_model(g)
    ops = {n.op_type for n in g.graph.node}
    assert {"MatMul", "Add", "Quant"} <= ops and ops <= {"MatMul", "Add", "Quant", "Relu"}
    assert "Relu" in ops
    quants = [n for n in g.graph.node if n.op_type == "Quant"]
    assert all(n.domain == "qonnx.custom_op.general" for n in quants)
    assert {a.name for a in quants[0].attribute} == {"signed", "narrow", "rounding_mode"}
    float64 = g.graph.input[0].type.tensor_type.elem_type == onnx.TensorProto.DOUBLE
    assert float64 == (name == "wide_float64")
    # Pruned weights are zeros in the graph.
    m = model.to_dict()
    w0 = onnx.numpy_helper.to_array(next(t for t in g.graph.initializer if t.name == "dense0_weight"))
    mask = np.array(m["layers"][0]["mask"]).T
    assert np.all(w0[mask == 0] == 0) and np.count_nonzero(mask == 0) > 0

    x_raw = magic_raw["X_test"][:1000]
    x = ((x_raw.astype(np.float64) - np.array(m["preprocessing"]["offset"])) * np.array(m["preprocessing"]["scale"])).astype(np.float32)
    golden = model.predict(x, preprocessed=True)
    ours = qonnx_reference.run(g, x)
    assert ours.shape == golden.shape == (1000, 2)
    assert np.array_equal(ours.astype(np.float64), golden)
    # The data exercise the formats: outputs vary, and some values saturate or round.
    assert len(np.unique(golden)) > 10


def test_reference_executor_can_fail(trained, magic_raw, tmp_path):
    """A graph with one weight changed by one step no longer equals the golden model."""
    onnx_path = tmp_path / "m.onnx"
    cli("export-model", trained[0], "--qonnx", onnx_path)
    g = onnx.load(str(onnx_path))
    t = next(t for t in g.graph.initializer if t.name == "dense1_weight")
    w = onnx.numpy_helper.to_array(t).copy()
    w[0, 0] += 0.25
    t.CopyFrom(onnx.numpy_helper.from_array(w, t.name))
    model = nas4ml.load_model(trained[0])
    x = magic_raw["X_test"][:1000]
    m = model.to_dict()
    xp = ((x.astype(np.float64) - np.array(m["preprocessing"]["offset"])) * np.array(m["preprocessing"]["scale"])).astype(np.float32)
    assert not np.array_equal(qonnx_reference.run(g, xp).astype(np.float64), model.predict(xp, preprocessed=True))
