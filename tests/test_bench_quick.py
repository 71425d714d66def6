"""The benchmark suite still runs: its quick mode, end to end.

Timings are not judged here; only that every figure is either taken or says
why it is not available. Deselect with ``-m "not bench"``.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent


@pytest.mark.bench
def test_quick_benchmark_takes_every_figure_or_says_why(tmp_path: Path) -> None:
    output = tmp_path / "latest.json"
    done = subprocess.run(  # noqa: S603 - the project's own script
        [str(PROJECT / "scripts" / "bench"), "--quick", "--output", str(output)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    figures = json.loads(output.read_text())["figures"]
    numbers = {figure["figure"] for figure in figures}
    assert numbers >= {"P1", "P1b", "P2", "P3", "P3b", "P4", "P5", "P6", "P7"}
    for figure in figures:
        assert not figure["verdict"].startswith("FAILED"), figure
