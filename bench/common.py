"""Shared set-up for the benchmarks: a throwaway PostgreSQL database, real worker processes, RSS readings."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def fresh_database(name: str) -> str:
    """Drops and creates `name`, migrates it, and points this process's Django at it."""
    for sql in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", f"{PG}/postgres", "-q", "-c", sql], check=True, capture_output=True)
    url = f"{PG}/{name}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsletter.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url


def _die_with_parent() -> None:
    """In the worker, before exec: Linux sends it SIGTERM when the benchmark that started it dies. A worker in a
    session of its own outlives a benchmark killed by a signal (`timeout`, a closed terminal), whose `finally` never
    runs; left behind, it keeps taking the next run's tasks from the same broker, with per-process caches of a
    database that the next run drops and creates again (same edition id, other rows)."""
    import ctypes
    import signal

    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)


def stop_on_signals() -> None:
    """SIGTERM and SIGHUP end the benchmark through its `finally` blocks (workers stopped), as Ctrl-C does."""
    import signal

    def leave(signum, frame):
        raise SystemExit(128 + signum)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, leave)


def start_workers(env: dict[str, str], count: int, concurrency: int, log_dir: Path) -> list[subprocess.Popen]:
    stop_on_signals()
    procs = []
    for i in range(count):
        log = (log_dir / f"bench-worker{i}.log").open("wb")
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "newsletter",
                    "worker",
                    "-l",
                    "warning",
                    f"--concurrency={concurrency}",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "-n",
                    f"bench{i}-{os.getpid()}@%h",
                ],
                cwd=BASE_DIR,
                env={**os.environ, **env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )
        )
    time.sleep(4)
    return procs


def stop_workers(procs: list[subprocess.Popen]) -> None:
    import signal

    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def rss_by_process(procs: list[subprocess.Popen]) -> dict[int, float]:
    """VmHWM (peak resident set, MB) of each worker process and pool child."""
    peaks = {}
    pids = [p.pid for p in procs]
    for pid in list(pids):
        children = Path(f"/proc/{pid}/task/{pid}/children")
        if children.exists():
            pids += [int(c) for c in children.read_text().split()]
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks[pid] = int(line.split()[1]) / 1024
        except FileNotFoundError:
            pass
    return peaks


def peak_rss_mb(procs: list[subprocess.Popen]) -> float:
    """Highest VmHWM (peak resident set) among the worker processes and their pool children."""
    return max(rss_by_process(procs).values(), default=0.0)
