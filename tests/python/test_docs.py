"""docs/python.md is a notebook: its ```python blocks run in order, in one namespace, in a fresh folder."""
import os
import re

from conftest import SOURCE


def test_python_walkthrough_runs(tmp_path, monkeypatch):
    text = open(os.path.join(SOURCE, "docs", "python.md")).read()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) >= 5
    monkeypatch.chdir(tmp_path)
    os.symlink(os.path.join(SOURCE, "experiments"), tmp_path / "experiments")
    os.symlink(os.path.join(SOURCE, "tests"), tmp_path / "tests")
    namespace = {}
    for i, block in enumerate(blocks):
        exec(compile(block, "docs/python.md block %d" % (i + 1), "exec"), namespace)
    # The walkthrough ends with the checks it states.
    assert namespace["agree"] and namespace["front"].shape[0] >= 1
