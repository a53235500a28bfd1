"""nas4ml from Python: quantized neural networks and their FPGA implementation, searched together.

The functions are thin layers over the same C++ library calls as the ``nas4ml`` command line
(docs/python.md):

- ``load_model(path)`` -> :class:`Model` with ``predict(X)`` (the golden integer model, bit-exact
  with the firmware), ``estimate(device=..., flavor=...)``, ``export_qonnx(path)``;
- ``train(spec, X_train, y_train, X_val, y_val, seed=...)`` -> ``(model, metrics)``, the same
  weights as ``nas4ml train`` for the same data, split and seed;
- ``Campaign("runs/NAME")`` with ``front()`` and ``evaluations()`` as pandas DataFrames (the columns
  of ``nas4ml front --json`` and ``nas4ml export --json``) and ``model(id)``;
- ``run(experiment, out=..., progress=callback)`` runs a campaign with the GIL released; Ctrl-C
  stops it once the generation in flight is stored (``resume(out)`` continues);
- ``import_onnx(path, data=...)`` reads a dense ONNX/QONNX network (docs/interop.md).

Errors are :class:`Error` subclasses (:class:`ConfigError`, :class:`DataError`,
:class:`ToolError`) carrying the command line's one-line message.
"""
import os as _os


def _find_estimators():
    """Device files: $NAS4ML_ESTIMATORS, else the copy installed beside the package, else the source tree's."""
    if _os.environ.get("NAS4ML_ESTIMATORS"):
        return
    here = _os.path.join(_os.path.dirname(__file__), "estimators")
    if not _os.path.isdir(here):
        try:
            from ._build_tree import ESTIMATORS_DIR as here
        except ImportError:
            return
    _os.environ["NAS4ML_ESTIMATORS"] = here


_find_estimators()

from ._nas4ml import (  # noqa: F401  (the public names of the extension)
    ConfigError,
    DataError,
    Error,
    InternalError,
    Model,
    ToolError,
    __version__,
    git_hash,
    import_onnx,
    load_dataset,
    load_model,
    set_log_level,
)
from . import _nas4ml


class TrainingError(Error):
    """Training diverged or timed out (``nas4ml train`` prints ``training failed: ...`` and exits 1)."""


def train(spec, X_train, y_train, X_val, y_val, seed=1, epochs=None, X_test=None, y_test=None,
          class_names=None, feature_names=None, input_offset=None, input_scale=None, signal_class=None):
    """Train a model spec (a path to its JSON file, or the spec as a dict; docs/model.md) on NumPy arrays.

    X arrays are the network's inputs (already preprocessed, float32; float64 is converted),
    y arrays integer class labels. The same arrays and seed give the same weights as
    ``nas4ml train`` (e.g. with the arrays of ``load_dataset(spec)``). ``input_offset`` and
    ``input_scale`` record the preprocessing in the model (``predict`` applies it to raw features).
    Returns ``(model, metrics)``; metrics is the training record ``nas4ml train --json`` prints.
    Raises TrainingError when training diverges.
    """
    model, metrics = _nas4ml._train(
        spec, X_train, y_train, X_val, y_val, seed=seed, epochs=epochs or 0, X_test=X_test, y_test=y_test,
        class_names=class_names, feature_names=feature_names, input_offset=input_offset,
        input_scale=input_scale, signal_class=-1 if signal_class is None else signal_class)
    if model is None:
        raise TrainingError("training failed: %s" % metrics["failure"])
    return model, metrics


def _frame(columns, rows):
    import pandas

    return pandas.DataFrame.from_records(rows, columns=columns)


class Campaign:
    """A campaign's run folder (runs/NAME) opened for reading."""

    def __init__(self, run):
        self.run = str(run)
        _nas4ml._front(self.run)  # fails now, with the store's message, when there is no campaign

    def front(self):
        """The Pareto front as a DataFrame: the rows and columns of ``nas4ml front --json``."""
        return _frame(*_nas4ml._front(self.run))

    def evaluations(self):
        """Every evaluation as a DataFrame: the rows and columns of ``nas4ml export --json``."""
        return _frame(*_nas4ml._evaluations(self.run))

    def model(self, id):
        """The trained model of candidate ``id`` (a genome hash, a unique prefix, or a baseline name)."""
        return _nas4ml._candidate_model(self.run, str(id))

    def __repr__(self):
        return "<nas4ml.Campaign %s>" % self.run


def run(experiment, out, progress=None, threads=None, stop_after_generation=None, emit=True):
    """Run a campaign from an experiment file into the run folder ``out`` (docs/campaign.md).

    ``progress(info)`` is called after each committed generation with a dict (generation,
    evaluations, failed, front_size). Ctrl-C (KeyboardInterrupt) or an exception raised by
    ``progress`` stops the campaign once the generation in flight is stored; ``resume(out)``
    continues it exactly. Returns a summary dict (finished, generations, evaluations, front).
    """
    return _nas4ml._run(str(experiment), str(out), progress=progress, threads=threads,
                        stop_after_generation=stop_after_generation, emit=emit)


def resume(out, progress=None, threads=None, emit=True):
    """Continue the campaign in ``out`` from its last committed generation (``nas4ml resume``)."""
    return _nas4ml._resume(str(out), progress=progress, threads=threads, emit=emit)


__all__ = [
    "Campaign", "ConfigError", "DataError", "Error", "InternalError", "Model", "ToolError", "TrainingError",
    "import_onnx", "load_dataset", "load_model", "resume", "run", "set_log_level", "train",
]
