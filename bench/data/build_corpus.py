#!/usr/bin/env python3
"""Build a benchmark corpus of real arXiv AI papers from a git mirror of
github.com/dw-dengwei/daily-arXiv-ai-enhanced (branch `data`).

That repository's GitHub Action scrapes https://arxiv.org/list/{cat}/new every
day (cron 01:30 UTC, categories cs.CV / cs.CL / cs.AI) and fills in metadata
with the `arxiv` Python package (arXiv API); each day's listing is committed
as data/YYYY-MM-DD.jsonl with fields
  id, categories, pdf, abs, authors, title, comment, summary.

Usage:
  python3 build_corpus.py /work/.mirror/dw-dengwei+daily-arXiv-ai-enhanced/repo \
      [--ref data] [--mode window --start 2026-04-06 --end 2026-04-24] \
      [--mode top --ndays 10] [--max-bytes 3000000] [--out DIR]

Rules:
  * files read: <ref>:data/YYYY-MM-DD.jsonl (not the *_AI_enhanced_* files)
  * files are processed in date order over the WHOLE history of the branch;
    each arxiv_id is assigned to the FIRST file (day) it appears in, so
    weekend copies of Friday's listing and re-listed papers never count twice
  * "day" = the file's date = UTC date of the crawl of arXiv's /new listing,
    i.e. the arXiv announcement date (announcements go out 00:00/01:00 UTC)
  * keep only papers having >=1 AI category (AI_CATS below)
  * whitespace collapsed in title/abstract/authors; abstracts < 200 chars dropped
  * --mode window: every day in [start, end] that has a file (complete days)
    --mode top: the N days with the most kept papers (complete days)
  * output sorted by (day, arxiv_id); gzip level 9; fails if > --max-bytes
"""

import argparse
import collections
import gzip
import json
import os
import re
import subprocess
import sys

AI_CATS = {"cs.AI", "cs.CL", "cs.CV", "cs.LG", "stat.ML", "cs.MA", "cs.NE", "cs.IR", "cs.RO"}
FILE_RE = re.compile(r"^data/(\d{4}-\d{2}-\d{2})\.jsonl$")


def ws(s):
    return re.sub(r"\s+", " ", s or "").strip()


def git(gitdir, *args):
    return subprocess.check_output(["git", "--git-dir", gitdir, *args])


def load(gitdir, ref):
    names = git(gitdir, "ls-tree", "-r", "--name-only", ref, "data/").decode().split("\n")
    files = sorted((m.group(1), n) for n in names if (m := FILE_RE.match(n)))
    seen = set()
    per_day = collections.defaultdict(list)
    stats = collections.Counter()
    for day, path in files:
        for line in git(gitdir, "show", f"{ref}:{path}").decode("utf-8").splitlines():
            if not line.strip():
                continue
            d = json.loads(line)
            aid = ws(d.get("id"))
            stats["rows"] += 1
            if not aid or aid in seen:
                stats["dup_or_noid"] += 1
                continue
            seen.add(aid)
            cats = [ws(c) for c in (d.get("categories") or []) if ws(c)]
            if not AI_CATS & set(cats):
                stats["non_ai"] += 1
                continue
            abstract = ws(d.get("summary"))
            if len(abstract) < 200:
                stats["short_abstract"] += 1
                continue
            per_day[day].append(
                {
                    "arxiv_id": aid,
                    "title": ws(d.get("title")),
                    "abstract": abstract,
                    "authors": [ws(a) for a in (d.get("authors") or []) if ws(a)],
                    "categories": cats,
                    "day": day,
                }
            )
    return files, per_day, stats, len(seen)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("gitdir")
    ap.add_argument("--ref", default="data")
    ap.add_argument("--mode", choices=["window", "top"], default="window")
    ap.add_argument("--start", default="2026-04-06")
    ap.add_argument("--end", default="2026-04-24")
    ap.add_argument("--ndays", type=int, default=10)
    ap.add_argument("--max-bytes", type=int, default=3_000_000)
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    a = ap.parse_args()

    commit = git(a.gitdir, "rev-parse", a.ref).decode().strip()
    files, per_day, stats, n_unique = load(a.gitdir, a.ref)
    if a.mode == "window":
        days = sorted(d for d in per_day if a.start <= d <= a.end)
    else:
        days = sorted(sorted(per_day, key=lambda d: (-len(per_day[d]), d))[: a.ndays])
    rows = sorted((r for d in days for r in per_day[d]), key=lambda r: (r["day"], r["arxiv_id"]))
    blob = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
    gz = gzip.compress(blob, compresslevel=9, mtime=0)
    counts = {d: len(per_day[d]) for d in days}
    print(
        json.dumps(
            {
                "commit": commit,
                "files_read": len(files),
                "stats": stats,
                "unique_ids_all_days": n_unique,
                "days": counts,
                "total": len(rows),
                "gz_bytes": len(gz),
            },
            indent=1,
        )
    )
    assert len(rows) >= 1200 and len(days) >= 10 and min(counts.values()) >= 60, "corpus too small"
    assert len(gz) < a.max_bytes, f"output {len(gz)} bytes > {a.max_bytes}"
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "arxiv_papers.jsonl.gz"), "wb") as f:
        f.write(gz)
    return 0


if __name__ == "__main__":
    sys.exit(main())
