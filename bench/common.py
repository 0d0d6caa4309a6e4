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


def start_workers(env: dict[str, str], count: int, concurrency: int, log_dir: Path) -> list[subprocess.Popen]:
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
