"""Where one benchmark case spends its time: cProfile's top entries.

    python -m bench.profile api bearer
    python -m bench.profile issue secret_basic [CALLS] [SORT]

Runs on a fresh SQLite file in a temporary directory, removed afterwards.
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import tempfile
from pathlib import Path

from . import ours
from .host import Host

BUILDERS = {"api": ours.api_cases, "issue": ours.issue_cases}


def main(argv: list[str]) -> int:
    role, case_name, *rest = argv
    calls = int(rest[0]) if rest else 500
    sort = rest[1] if len(rest) > 1 else "cumulative"
    with tempfile.TemporaryDirectory(prefix="vte-profile-") as directory:
        host = Host.build(f"sqlite:///{Path(directory) / 'profile.sqlite'}")
        cases, _ = BUILDERS[role](host)
        case = cases[case_name]
        case(max(calls // 10, 1))
        profiler = cProfile.Profile()
        profiler.enable()
        case(calls)
        profiler.disable()
        pstats.Stats(profiler).strip_dirs().sort_stats(sort).print_stats(30)
        host.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
