"""CSV import of subscribers (subscribers.importing.import_csv) on a fresh PostgreSQL database: prints rows/s
for a file of new readers and for the same file again (every row an update).

    .venv/bin/python bench/import_bench.py --rows 5000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import fresh_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=5000)
    rows = parser.parse_args().rows
    fresh_database("bench_import")
    from digest.models import Topic
    from digest.papers.default_topics import seed_topics
    from subscribers.importing import import_csv

    seed_topics(Topic)
    body = "email,language,topics,bilingual,max_papers\n" + "".join(
        f"reader{n}@example.org,zh-Hant-TW,llm;vision,false,8\n" for n in range(rows)
    )
    for label in ("new readers", "same file again (updates)"):
        started = time.perf_counter()
        report = import_csv(body.encode())
        elapsed = time.perf_counter() - started
        print(
            f"{label}: {rows} rows in {elapsed:.1f} s = {rows / elapsed:,.0f} rows/s "
            f"(created {report.created}, updated {report.updated}, refused {len(report.errors)})"
        )


if __name__ == "__main__":
    main()
