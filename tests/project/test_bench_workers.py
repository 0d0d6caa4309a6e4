"""A benchmark's worker processes die with the benchmark, however it ends: left running, they take the next run's
tasks from the shared broker with caches of a database the next run drops and creates again."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG is Linux's")


def start_bench(script: str) -> tuple[subprocess.Popen, int]:
    """A stand-in benchmark: starts a long-lived process the way bench.common.start_workers does and prints its pid."""
    code = "\n".join(
        [
            "import subprocess, sys, time",
            f"sys.path.insert(0, {str(ROOT)!r})",
            "from bench.common import _die_with_parent, stop_on_signals",
            "stop_on_signals()",
            'child = subprocess.Popen(["sleep", "60"], start_new_session=True, preexec_fn=_die_with_parent)',
            "print(child.pid, flush=True)",
            script,
        ]
    )
    bench = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    return bench, int(bench.stdout.readline())


def gone(pid: int, within: float = 5.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        with open(f"/proc/{pid}/stat") as stat:
            if stat.read().split()[2] == "Z":
                return True
        time.sleep(0.05)
    return False


def test_a_worker_dies_when_its_benchmark_is_killed_outright():
    bench, child = start_bench("time.sleep(60)")
    bench.kill()
    bench.wait()
    assert gone(child)


def test_a_benchmark_stopped_by_sigterm_leaves_through_its_finally():
    bench, child = start_bench("try:\n    time.sleep(60)\nfinally:\n    print('stopped workers', flush=True)")
    bench.send_signal(signal.SIGTERM)
    assert bench.stdout.read().strip() == "stopped workers"
    assert bench.wait() == 128 + signal.SIGTERM
    assert gone(child)
