"""`make bench`: every benchmark in turn, each printing its own figures."""

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
RUNS = [
    ["send_bench.py", "--subscribers", "10000", "100000"],
    ["unsubscribe_during_send_bench.py", "--subscribers", "100000", "--unsubscribes", "2000"],
    ["esp_bench.py", "--messages", "20000"],
    ["translation_bench.py"],
    ["reply_checks_bench.py"],
    ["web_bench.py"],
    ["import_bench.py", "--rows", "5000"],
    ["relevance_bench.py"],
]


def main() -> int:
    failures = 0
    for name, *args in RUNS:
        if not (BENCH / name).exists():
            continue
        print(f"== {name} {' '.join(args)}", flush=True)
        failures += subprocess.run([sys.executable, str(BENCH / name), *args]).returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
