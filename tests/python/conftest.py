"""Shared fixtures of the Python module's tests (run by ctest: tests/python/CMakeLists.txt sets
PYTHONPATH to the build tree's python/ folder and NAS4ML_BINARY to the command line)."""
import json
import os
import subprocess

import pytest

SOURCE = os.environ.get("NAS4ML_SOURCE_DIR") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.environ.get("NAS4ML_BINARY") or os.path.join(SOURCE, "build", "nas4ml")
FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
MAGIC = os.path.join(SOURCE, "experiments", "datasets", "magic.json")
SMALL_SPEC = os.path.join(FIXTURES, "small_model.json")


def cli(*args, check=True, timeout=900):
    """Runs the nas4ml command line; returns the CompletedProcess (text)."""
    r = subprocess.run([BINARY, *map(str, args)], capture_output=True, text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise AssertionError("nas4ml %s exited %d:\n%s%s" % (" ".join(map(str, args)), r.returncode, r.stdout, r.stderr))
    return r


@pytest.fixture(scope="session")
def trained(tmp_path_factory):
    """A 10-8-2 model trained on MAGIC by `nas4ml train` (seed 7): (path, train --json record)."""
    path = tmp_path_factory.mktemp("trained") / "m.q.json"
    r = cli("-q", "train", SMALL_SPEC, "--data", MAGIC, "--seed", 7, "--save", path, "--json")
    return str(path), json.loads(r.stdout)


@pytest.fixture(scope="session")
def magic_raw():
    """The MAGIC data set in raw feature units (what `nas4ml sim` quantizes after the model's preprocessing)."""
    import nas4ml

    return nas4ml.load_dataset(MAGIC, raw=True)
