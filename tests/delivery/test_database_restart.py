"""PostgreSQL away while real workers send: nothing is lost and nobody is mailed twice, and the send goes on by
itself once the database is back (no sweeper run needed).

One test restarts the machine's one PostgreSQL cluster (pg_ctlcluster, as root), which other test runs may be
using: it happens once, in that test, and lasts a second or two. The others put a relay between the workers and
the database (tests/fakes/tcp_gate.py) and shut it."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import InterfaceError, OperationalError, connection

from digest.models import Delivery
from tests.delivery.test_worker_faults import DAY, make_edition_and_readers, outbox_recipients, worker_env
from tests.fakes.tcp_gate import TcpGate
from tests.workers import TEST_REDIS_URL, Worker, broker_client, database_url_for_workers, flush_redis, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def restart_command() -> list[str]:
    """pg_ctlcluster's restart of the one local cluster; skips the test, saying why, where it cannot run."""
    if shutil.which("pg_ctlcluster") is None:
        pytest.skip("pg_ctlcluster is not available: PostgreSQL cannot be restarted from here")
    versions = sorted(p.name for p in Path("/etc/postgresql").glob("*")) if Path("/etc/postgresql").is_dir() else []
    if len(versions) != 1:
        pytest.skip(f"expected one PostgreSQL version under /etc/postgresql, found {versions or 'none'}")
    if os.geteuid() != 0:
        pytest.skip("restarting PostgreSQL with pg_ctlcluster needs root")
    if connection.vendor != "postgresql" or (connection.settings_dict.get("HOST") or "127.0.0.1") not in (
        "127.0.0.1", "localhost"
    ):  # fmt: skip
        pytest.skip("the test database is not this machine's PostgreSQL")
    return ["pg_ctlcluster", "--skip-systemctl-redirect", versions[0], "main", "restart"]


def counts() -> Counter | None:
    """Delivery rows by status, or None while the database is away (this process's connection is dropped)."""
    try:
        return Counter(Delivery.objects.values_list("status", flat=True))
    except (OperationalError, InterfaceError):
        connection.close()
        return None


def test_postgresql_restart_mid_send_loses_and_doubles_nothing(outbox_dir, tmp_path):
    command = restart_command()
    total = 1200
    make_edition_and_readers(total)
    flush_redis()
    # A provider's rate (400 a second between both workers) keeps the send going while the database restarts.
    env = worker_env(TEST_REDIS_URL, outbox_dir, SEND_RATE_PER_SECOND="400")
    workers = [Worker(env, tmp_path / f"worker{i}.log", concurrency=1).start() for i in range(2)]
    try:
        broker_client().send_task("digest.tasks.send_edition", args=[DAY.isoformat()])
        wait_until(lambda: (counts() or {}).get("sent", 0) >= total // 4, timeout=120, interval=0.1,
                   message="a quarter sent")  # fmt: skip
        started = time.monotonic()
        subprocess.run(command, check=True, capture_output=True, timeout=120)
        outage = time.monotonic() - started
        connection.close()
        at_restart = counts()
        # No sweeper: the batches the restart interrupted must carry on by themselves.
        wait_until(lambda: (counts() or {}).get("sent", 0) == total, timeout=150, message="everyone sent")
    finally:
        for worker in workers:
            worker.stop()
    assert at_restart is not None and at_restart["sent"] < total, "the restart happened mid-send"
    recipients = outbox_recipients(outbox_dir)
    assert len(recipients) == total, "every reader got a message"
    assert set(recipients.values()) == {1}, f"mailed twice: {[r for r, n in recipients.items() if n > 1][:5]}"
    assert counts() == {"sent": total}, "every delivery row is settled"
    print(f"restart took {outage:.1f} s; sent before it: {at_restart['sent']} of {total}")


def test_an_edition_sent_while_the_database_is_away_goes_out_once_it_is_back(outbox_dir, tmp_path):
    """The send's first task (the fan-out) finds no database: it is retried, and once the database answers the
    edition goes out, each reader once."""
    total = 200
    make_edition_and_readers(total)
    flush_redis()
    port = connection.settings_dict.get("PORT") or 5432
    with TcpGate(int(port)) as gate:
        url = database_url_for_workers().replace(f":{port}/", f":{gate.port}/")
        worker = Worker(worker_env(TEST_REDIS_URL, outbox_dir, DATABASE_URL=url), tmp_path / "worker.log").start()
        try:
            broker_client().send_task("digest.tasks.send_edition", args=[DAY.isoformat()])
            wait_until(lambda: gate.refused >= 1, timeout=30, interval=0.05, message="the task to find no database")
            time.sleep(1)  # the task has failed by now
            gate.open()
            wait_until(lambda: (counts() or {}).get("sent", 0) == total, timeout=60, message="everyone sent")
        finally:
            worker.stop()
    recipients = outbox_recipients(outbox_dir)
    assert len(recipients) == total and set(recipients.values()) == {1}


def test_database_connections_cut_mid_send_lose_and_double_nothing(outbox_dir, tmp_path):
    """The same as a restart where pg_ctlcluster is not at hand: every worker connection is cut mid-send and new
    ones refused for two seconds."""
    total = 600
    make_edition_and_readers(total)
    flush_redis()
    port = connection.settings_dict.get("PORT") or 5432
    with TcpGate(int(port)) as gate:
        gate.open()
        url = database_url_for_workers().replace(f":{port}/", f":{gate.port}/")
        env = worker_env(TEST_REDIS_URL, outbox_dir, DATABASE_URL=url, SEND_RATE_PER_SECOND="300")
        workers = [Worker(env, tmp_path / f"worker{i}.log", concurrency=1).start() for i in range(2)]
        try:
            broker_client().send_task("digest.tasks.send_edition", args=[DAY.isoformat()])
            wait_until(lambda: counts()["sent"] >= total // 4, timeout=60, interval=0.1, message="a quarter sent")
            gate.shut()
            at_cut = counts()["sent"]
            time.sleep(2)
            gate.open()
            wait_until(lambda: counts()["sent"] == total, timeout=90, message="everyone sent")
        finally:
            for worker in workers:
                worker.stop()
    assert at_cut < total, "the cut happened mid-send"
    recipients = outbox_recipients(outbox_dir)
    assert len(recipients) == total, "every reader got a message"
    assert set(recipients.values()) == {1}, f"mailed twice: {[r for r, n in recipients.items() if n > 1][:5]}"
    assert counts() == {"sent": total}, "every delivery row is settled"
