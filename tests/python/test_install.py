"""`cmake --install <build> --component python --prefix P` gives an importable module (outside the build tree)."""
import os
import subprocess
import sys

import pytest

from conftest import FIXTURES, MAGIC


def test_installed_module_works(tmp_path, trained):
    build = os.environ.get("NAS4ML_BUILD_DIR")
    if not build:
        pytest.skip("NAS4ML_BUILD_DIR is set by ctest")
    prefix = tmp_path / "prefix"
    subprocess.run(["cmake", "--install", build, "--component", "python", "--prefix", str(prefix)], check=True,
                   capture_output=True)
    found = [root for root, dirs, files in os.walk(prefix) if "__init__.py" in files and root.endswith("nas4ml")]
    assert len(found) == 1
    site = os.path.dirname(found[0])
    assert os.path.isdir(os.path.join(found[0], "estimators"))
    code = ("import nas4ml, sys; m = nas4ml.load_model(sys.argv[1]); d = nas4ml.load_dataset(sys.argv[2], raw=True);"
            "print(nas4ml.__file__); print(int(m.predict_classes(d['X_test'][:50]).sum())); print(m.estimate()['lut'] > 0)")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "NAS4ML_ESTIMATORS")}
    env["PYTHONPATH"] = site
    r = subprocess.run([sys.executable, "-c", code, trained[0], MAGIC], capture_output=True, text=True, env=env,
                       cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.split()
    assert lines[0].startswith(str(prefix)) and lines[2] == "True"
