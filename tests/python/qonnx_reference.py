"""A small reference executor for the graphs nas4ml exports, written from the operator definitions
(ONNX MatMul, Add, Relu; QONNX Quant as documented in QONNX's docs/qonnx-custom-ops/quant_op.md:
y = (round(clamp(x / scale + zeropt, min, max)) - zeropt) * scale). Every operation keeps the
graph's float type (float32 or float64), as an ONNX runtime would."""
import numpy as np
from onnx import numpy_helper

QONNX_DOMAINS = ("qonnx.custom_op.general", "finn.custom_op.general")


def _round(y, mode):
    mode = mode.upper()
    if mode == "ROUND":
        return np.round(y)  # halves to even
    if mode == "FLOOR":
        return np.floor(y)
    if mode == "CEIL":
        return np.ceil(y)
    if mode == "UP":
        return np.sign(y) * np.ceil(np.abs(y))
    if mode == "DOWN":
        return np.sign(y) * np.floor(np.abs(y))
    if mode == "HALF_UP":
        return np.sign(y) * np.floor(np.abs(y) + y.dtype.type(0.5))
    if mode == "HALF_DOWN":
        return np.sign(y) * np.ceil(np.abs(y) - y.dtype.type(0.5))
    raise ValueError("unknown rounding mode " + mode)


def quant(x, scale, zeropt, bitwidth, signed, narrow, rounding_mode):
    bits = int(bitwidth)
    if signed:
        lo, hi = -(2 ** (bits - 1)) + (1 if narrow else 0), 2 ** (bits - 1) - 1
    else:
        lo, hi = 0, 2 ** bits - 1 - (1 if narrow else 0)
    t = x.dtype.type
    y = x / scale.astype(x.dtype) + zeropt.astype(x.dtype)
    y = np.clip(y, t(lo), t(hi))
    y = _round(y, rounding_mode)
    return ((y - zeropt.astype(x.dtype)) * scale.astype(x.dtype)).astype(x.dtype)


def attributes(node):
    out = {}
    for a in node.attribute:
        out[a.name] = a.s.decode() if a.type == a.STRING else a.i if a.type == a.INT else a.f
    return out


def run(model, x):
    """Outputs of `model` (an onnx ModelProto) on the batch `x`."""
    values = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    elem = model.graph.input[0].type.tensor_type.elem_type
    dtype = np.float32 if elem == 1 else np.float64
    values[model.graph.input[0].name] = np.asarray(x, dtype=dtype)
    for n in model.graph.node:
        a = [values[i] for i in n.input]
        if n.op_type == "Quant" and n.domain in QONNX_DOMAINS:
            at = attributes(n)
            y = quant(a[0], a[1], a[2], a[3], at.get("signed", 1), at.get("narrow", 0), at.get("rounding_mode", "ROUND"))
        elif n.op_type == "MatMul":
            y = np.matmul(a[0], a[1])
        elif n.op_type == "Add":
            y = a[0] + a[1]
        elif n.op_type == "Relu":
            y = np.maximum(a[0], a[0].dtype.type(0))
        else:
            raise ValueError("the reference executor has no " + n.op_type)
        assert y.dtype == dtype, (n.name, y.dtype)
        values[n.output[0]] = y
    return values[model.graph.output[0].name]
