"""`nas4ml import`: a nas4ml export comes back as the identical QuantizedModel; a float network
written with python3-onnx's helper API (Gemm, BatchNormalization, Relu, Softmax) imports and
evaluates; bad files (unsupported operators, wrong shapes, truncated) are one-line errors, exit 2."""
import json

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import nas4ml
from conftest import MAGIC, cli
from test_qonnx import FORMAT_SETS, model_with_formats


def test_round_trip_is_identical(trained, tmp_path):
    for seed, name in enumerate(sorted(FORMAT_SETS)):
        path = model_with_formats(trained[0], FORMAT_SETS[name], 40 + seed, tmp_path)
        onnx_path, back = tmp_path / ("%s.onnx" % name), tmp_path / ("%s.back.q.json" % name)
        cli("export-model", path, "--qonnx", onnx_path)
        r = cli("import", onnx_path, "--data", MAGIC, "--save", back)
        assert "nas4ml metadata" in r.stdout and "fixed-point test accuracy" in r.stdout and "LUT" in r.stdout
        original = nas4ml.load_model(path).to_dict()
        assert json.load(open(back)) == original, name


def test_round_trip_without_metadata_keeps_the_arithmetic(trained, magic_raw, tmp_path):
    """A QONNX file without nas4ml's metadata (as another tool would write it): same formats, weights and outputs."""
    onnx_path, stripped = tmp_path / "m.onnx", tmp_path / "stripped.onnx"
    cli("export-model", trained[0], "--qonnx", onnx_path)
    g = onnx.load(str(onnx_path))
    del g.metadata_props[:]
    onnx.save(g, str(stripped))
    model, notes = nas4ml.import_onnx(str(stripped), data=MAGIC)
    a, b = model.to_dict(), nas4ml.load_model(trained[0]).to_dict()
    for la, lb in zip(a["layers"], b["layers"]):
        assert la["weights"] == lb["weights"] and la["biases"] == lb["biases"]
        assert la["result_format"] == lb["result_format"]
    assert a["input_format"] == b["input_format"]
    x = magic_raw["X_test"][:1000]
    assert np.array_equal(model.predict_raw(x), nas4ml.load_model(trained[0]).predict_raw(x))


def float_network(trained_path, path, batch_norm=True):
    """A float 10-8-2 network (Gemm + BatchNormalization + Relu, Gemm, Softmax) from a trained model's real weights."""
    m = json.load(open(trained_path))
    tensors, nodes = [], []
    x = "input"
    for k, layer in enumerate(m["layers"]):
        lsb_w = 2.0 ** -(int(layer["weight_format"].split("<")[1].split(",")[0]) - int(layer["weight_format"].split(",")[1].split(">")[0].split(",")[0]))
        lsb_b = 2.0 ** -(int(layer["bias_format"].split("<")[1].split(",")[0]) - int(layer["bias_format"].split(",")[1].split(">")[0].split(",")[0]))
        w = np.array(layer["weights"], dtype=np.float32) * lsb_w  # [n_out, n_in]: Gemm with transB=1
        b = np.array(layer["biases"], dtype=np.float32) * lsb_b
        if batch_norm and k == 0:  # split the layer into Gemm and a batch norm that undoes a scaling
            gamma = np.full(layer["n_out"], 2.0, dtype=np.float32)
            var = np.full(layer["n_out"], 4.0 - 1e-5, dtype=np.float32)
            mean = np.full(layer["n_out"], 0.5, dtype=np.float32)
            beta = (b + 0.5).astype(np.float32)  # (y - 0.5) * 2 / 2 + beta = y + b
            tensors += [numpy_helper.from_array(w, "w0"), numpy_helper.from_array(np.zeros_like(b), "b0"),
                        numpy_helper.from_array(gamma, "bn_gamma"), numpy_helper.from_array(beta, "bn_beta"),
                        numpy_helper.from_array(mean, "bn_mean"), numpy_helper.from_array(var, "bn_var")]
            nodes.append(helper.make_node("Gemm", [x, "w0", "b0"], ["h0"], transB=1, name="gemm0"))
            nodes.append(helper.make_node("BatchNormalization", ["h0", "bn_gamma", "bn_beta", "bn_mean", "bn_var"], ["n0"], name="bn0"))
            x = "n0"
        else:
            tensors += [numpy_helper.from_array(w, "w%d" % k), numpy_helper.from_array(b, "b%d" % k)]
            nodes.append(helper.make_node("Gemm", [x, "w%d" % k, "b%d" % k], ["h%d" % k], transB=1, name="gemm%d" % k))
            x = "h%d" % k
        if layer["activation"] == "relu":
            nodes.append(helper.make_node("Relu", [x], ["r%d" % k], name="relu%d" % k))
            x = "r%d" % k
    nodes.append(helper.make_node("Softmax", [x], ["probabilities"], axis=1, name="softmax"))
    graph = helper.make_graph(nodes, "float_magic",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 10])],
                              [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["batch", 2])], tensors)
    model = helper.make_model(graph, producer_name="python3-onnx helper")
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def test_float_network_imports_and_evaluates(trained, tmp_path):
    path, saved = tmp_path / "float.onnx", tmp_path / "float.q.json"
    float_network(trained[0], path)
    r = cli("import", path, "--data", MAGIC, "--save", saved)
    assert "float graph" in r.stdout and "batch normalization" in r.stdout and "Softmax is dropped" in r.stdout
    accuracy = float(r.stdout.split("fixed-point test accuracy ")[1].split()[0])
    # The float network is the trained one; 16-bit formats by the rule keep its accuracy.
    assert abs(accuracy - trained[1]["metrics"]["test"]["accuracy"]) < 0.02
    model = nas4ml.load_model(str(saved))
    assert model.input_format.startswith("ap_fixed<16,") and model.to_dict()["layers"][0]["weight_format"].startswith("ap_fixed<8,")
    # User-given formats replace the rule.
    r = cli("import", path, "--data", MAGIC, "--weight-format", "ap_fixed<6,2,AP_RND,AP_SAT>", "--save", saved)
    assert nas4ml.load_model(str(saved)).to_dict()["layers"][1]["weight_format"] == "ap_fixed<6,2,AP_RND,AP_SAT>"


def check_error(path, *fragments):
    r = cli("import", path, "--data", MAGIC, check=False)
    assert r.returncode == 2, r.stdout + r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: " + str(path)), r.stderr
    for f in fragments:
        assert f in lines[0], (f, lines[0])


def test_bad_files(trained, tmp_path):
    # unsupported operators, all listed
    graph = helper.make_graph(
        [helper.make_node("Conv", ["x", "w"], ["c"]), helper.make_node("Sigmoid", ["c"], ["y"]), helper.make_node("Tanh", ["y"], ["z"])],
        "bad", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 10])],
        [helper.make_tensor_value_info("z", TensorProto.FLOAT, [1, 2])],
        [numpy_helper.from_array(np.zeros((2, 10), np.float32), "w")])
    unsupported = tmp_path / "unsupported.onnx"
    onnx.save(helper.make_model(graph), str(unsupported))
    check_error(unsupported, "unsupported operators", "got Conv, Sigmoid, Tanh")
    # a weight that does not fit the input width
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")], "shape",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 10])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", 3])],
        [numpy_helper.from_array(np.zeros((5, 3), np.float32), "w")])
    shapes = tmp_path / "shapes.onnx"
    onnx.save(helper.make_model(graph), str(shapes))
    check_error(shapes, 'node "mm" (MatMul)', "expected 10 inputs, got [5, 3]")
    # a truncated file
    whole = tmp_path / "whole.onnx"
    cli("export-model", trained[0], "--qonnx", whole)
    data = whole.read_bytes()
    truncated = tmp_path / "truncated.onnx"
    truncated.write_bytes(data[: len(data) // 2])
    check_error(truncated, "not a valid ONNX file", "truncated")
    empty = tmp_path / "empty.onnx"
    empty.write_bytes(b"")
    check_error(empty, "an empty file")
    text = tmp_path / "text.onnx"
    text.write_text("this is not protobuf\n")
    check_error(text, "not a valid ONNX file")


def test_imported_model_is_a_campaign_baseline(trained, tmp_path):
    """An imported network saved as a QuantizedModel is named as an experiment's baseline: measured
    once, stored, and marked in `nas4ml front`."""
    from conftest import FIXTURES

    onnx_path, saved = tmp_path / "float.onnx", tmp_path / "imported.q.json"
    float_network(trained[0], onnx_path)
    cli("import", onnx_path, "--data", MAGIC, "--save", saved)
    experiment = json.load(open("%s/tiny_experiment.json" % FIXTURES))
    for key in ("dataset", "search_space"):
        experiment[key] = "%s/%s" % (FIXTURES, experiment[key])
    experiment["baselines"] = [{"name": "imported", "model": str(saved)}]
    path = tmp_path / "experiment.json"
    json.dump(experiment, open(path, "w"))
    out = tmp_path / "run"
    nas4ml.run(str(path), out=str(out), emit=False)
    front = json.loads(cli("front", out, "--json").stdout)
    rows = [r for r in front if r["gen"] == "baseline"]
    assert [r["id"] for r in rows] == ["imported"]
    # measured as it is: its accuracy is the golden model's on the campaign's validation split
    assert 0.5 < rows[0]["accuracy"] <= 1.0
    assert "baseline imported: " in cli("front", out).stdout
