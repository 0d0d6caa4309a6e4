"""Web benchmark (prints figures; not a test): gunicorn with 2 workers on 127.0.0.1 against a PostgreSQL
database it prepares (`bench_web`: migrated, one published edition, one subscriber), loaded with wrk for
~10 s per endpoint: the subscribe page, an archive page, and the RFC 8058 one-click POST.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsletter .venv/bin/python bench/web_bench.py

Targets: >= 300 requests/s and p99 < 100 ms per endpoint. Load stays on 127.0.0.1 and is bounded in time.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
WRK = "/usr/bin/wrk"
DATABASE = "bench_web"
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))

PREPARE = """
import datetime, django
django.setup()
from digest.papers.default_topics import seed_topics
from digest.models import Edition, EditionEntry, Paper, Topic, Translation
from subscribers.models import Subscriber
from subscribers.tokens import make_token
seed_topics(Topic)
edition, _ = Edition.objects.get_or_create(date=datetime.date(2025, 5, 28), defaults={"status": "sent"})
llm = Topic.objects.get(slug="llm")
for n in range(10):
    paper, created = Paper.objects.get_or_create(
        arxiv_id=f"2505.{20000 + n}",
        defaults=dict(title=f"Efficient Reasoning in Large Language Models, part {n}",
                      abstract="We study data, memory and software quality in language model training. " * 6,
                      authors=["Ada Lovelace", "Alan Turing"], abs_url=f"https://arxiv.org/abs/2505.{20000 + n}",
                      announced_on=edition.date))
    paper.topics.add(llm)
    if created:
        Translation.objects.create(paper=paper, title=f"大型语言模型的高效推理（第 {n} 部分）",
                                   abstract="我们研究语言模型训练中的数据、内存与软件质量。" * 6,
                                   model="bench", prompt_version="v1", source_hash=paper.source_hash)
    EditionEntry.objects.get_or_create(edition=edition, paper=paper, defaults={"position": n})
subscriber, _ = Subscriber.objects.get_or_create(email="bench@example.com", defaults={"status": "active"})
print(make_token(subscriber, "unsubscribe"))
"""

POST_LUA = """
wrk.method = "POST"
wrk.body = "List-Unsubscribe=One-Click"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
"""


def database_urls() -> tuple[str, str]:
    base = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsletter"))
    admin = urlunsplit(base._replace(path="/postgres", query=""))
    bench = urlunsplit(base._replace(path=f"/{DATABASE}", query="conn_max_age=60"))
    return admin, bench


def create_database(admin_url: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DATABASE}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer {url} within {timeout:.0f} s")


def run_wrk(url: str, script: Path | None = None) -> tuple[float, str, int]:
    command = [WRK, "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", "--timeout", "5s"]
    if script is not None:
        command += ["-s", str(script)]
    output = subprocess.run([*command, url], capture_output=True, text=True, timeout=SECONDS + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return rps, p99, int(non_2xx.group(1)) if non_2xx else 0


def main() -> None:
    admin_url, bench_url = database_urls()
    create_database(admin_url)
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="web-bench-"))
    env = os.environ | {
        "DATABASE_URL": bench_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "EMAIL_OUTBOX_DIR": str(workdir / "outbox"),
        "LOG_LEVEL": "ERROR",
        "DJANGO_SETTINGS_MODULE": "newsletter.settings",
    }
    env.pop("CELERY_BROKER_URL", None)
    subprocess.run([PYTHON, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PYTHON, "manage.py", "compilemessages", "--ignore=.venv", "-v0"], cwd=ROOT, env=env, check=True)
    token = subprocess.run(
        [PYTHON, "-c", PREPARE], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout.split()[-1]
    lua = workdir / "one_click.lua"
    lua.write_text(POST_LUA)
    server = subprocess.Popen(
        [GUNICORN, "newsletter.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    endpoints = [
        ("subscribe page (GET /)", f"{base}/", None),
        (
            "archive edition (GET /archive/2025-05-28/?lang=zh-Hant-TW)",
            f"{base}/archive/2025-05-28/?lang=zh-Hant-TW",
            None,
        ),
        ("one-click unsubscribe (POST /unsubscribe/<token>/)", f"{base}/unsubscribe/{token}/", lua),
    ]
    try:
        wait_until_up(base + "/")
        print(f"gunicorn 2 workers on {base}; wrk -t2 -c{CONNECTIONS} -d{SECONDS}s; database {DATABASE}")
        print(f"{'endpoint':<72} {'req/s':>9} {'p99':>9} {'non-2xx':>8}")
        for name, url, script in endpoints:
            urllib.request.urlopen(url if script is None else base + "/", timeout=5).read()
            rps, p99, errors = run_wrk(url, script)
            print(f"{name:<72} {rps:>9.1f} {p99:>9} {errors:>8}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    sys.exit(main())
