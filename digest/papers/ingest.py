"""Fetch a Source and store what it holds: conditional GET, timeouts, a size limit, upsert by arXiv id."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import httpx
from django.db import DatabaseError, transaction
from django.utils import timezone

from digest.models import Paper, Source
from digest.papers.classify import classify
from digest.papers.download import download
from digest.sources import FeedError, PaperRecord, ParseResult, parser_for

log = logging.getLogger(__name__)

# Earlier announcement types win when one paper shows up in several feeds the same day.
_TYPE_RANK = {"new": 0, "cross": 1, "replace": 2, "replace-cross": 3}


@dataclass
class IngestResult:
    source: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    not_modified: bool = False
    skipped: list[tuple[int, str]] = field(default_factory=list)
    skip_days: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        if self.not_modified:
            return f"{self.source}: not modified since last fetch"
        text = f"{self.source}: {self.created} new, {self.updated} updated, {self.unchanged} unchanged"
        return text + (f", {len(self.skipped)} items skipped" if self.skipped else "")


def fetch_source(source: Source, *, client: httpx.Client | None = None) -> IngestResult:
    """Fetches and stores one source; a failure is recorded on the source and raised as FeedError."""
    try:
        response = _download(source, client)
        if response is None:
            result = IngestResult(source=source.slug, not_modified=True)
        else:
            content, etag, last_modified = response
            result = ingest_document(content, source.kind, source=source)
            source.etag, source.last_modified = etag, last_modified
        source.last_status, source.last_error = "ok", skipped_report(result.skipped)
        source.last_result = result.summary().removeprefix(f"{source.slug}: ")[:300]
    except FeedError as error:
        error.source = source.slug
        source.last_status, source.last_error = "error", error.reason
        source.last_result = ""
        raise
    except Exception as error:
        # Whatever one upstream document does to us, it fails this source only: the day goes on with the others.
        log.exception("fetch failed source=%s", source.slug)
        reason = f"could not store the document: {error.__class__.__name__}: {str(error)[:300]}"
        source.last_status, source.last_error, source.last_result = "error", reason, ""
        raise FeedError(reason, source=source.slug) from error
    finally:
        source.last_fetched_at = timezone.now()
        source.save(
            update_fields=["etag", "last_modified", "last_status", "last_error", "last_result", "last_fetched_at"]
        )
    log.info("fetched source=%s created=%s updated=%s", source.slug, result.created, result.updated)
    return result


def _download(source: Source, client: httpx.Client | None) -> tuple[bytes, str, str] | None:
    got = download(source.url, etag=source.etag, last_modified=source.last_modified, client=client)
    return None if got is None else (got.content, got.etag, got.last_modified)


def ingest_document(content: bytes, kind: str, *, source: Source | None = None) -> IngestResult:
    """Parses a whole document first, then stores it in one transaction: a bad document stores nothing."""
    parsed: ParseResult = parser_for(kind)(content)
    result = IngestResult(source=source.slug if source else kind, skipped=parsed.skipped, skip_days=parsed.skip_days)
    for number, reason in parsed.skipped:
        log.warning("skipped feed item source=%s item=%s reason=%s", result.source, number, reason)
    with transaction.atomic():
        touched = []
        for record in parsed.records:
            try:
                with transaction.atomic():  # a savepoint: one row the database refuses skips that item only
                    paper, outcome = upsert_paper(record)
            except DatabaseError as error:
                reason = f"{record.arxiv_id}: not stored: {str(error).splitlines()[0][:200]}"
                log.warning("skipped feed item source=%s reason=%s", result.source, reason)
                result.skipped.append((record.item, reason))
                continue
            setattr(result, outcome, getattr(result, outcome) + 1)
            if source is not None:
                paper.sources.add(source)
            if outcome != "unchanged":
                touched.append(paper)
        classify(touched)
    return result


def skipped_report(skipped: list[tuple[int, str]], limit: int = 20) -> str:
    """The skipped items as an operator reads them on the Source ("item 3: 2505.00001: no title")."""
    lines = [f"item {number}: {reason}" for number, reason in skipped[:limit]]
    if len(skipped) > limit:
        lines.append(f"… and {len(skipped) - limit} more")
    return "\n".join(lines)


def upsert_paper(record: PaperRecord) -> tuple[Paper, str]:
    """Creates or merges one paper; returns it with 'created', 'updated' or 'unchanged'."""
    paper = Paper.objects.select_for_update().filter(arxiv_id=record.arxiv_id).first()
    if paper is None:
        paper = Paper.objects.create(
            arxiv_id=record.arxiv_id,
            version=record.version,
            title=record.title,
            abstract=record.abstract,
            authors=record.authors,
            categories=record.categories,
            primary_category=record.primary_category,
            abs_url=record.abs_url,
            pdf_url=record.pdf_url,
            code_url=record.code_url,
            announced_on=record.announced_on,
            announce_type=record.announce_type,
            score=record.score,
        )
        return paper, "created"
    before = _snapshot(paper)
    if record.version > paper.version or (record.version == paper.version and not paper.abstract):
        paper.version, paper.title = record.version, record.title
        paper.abstract = record.abstract or paper.abstract
        paper.authors = record.authors or paper.authors
    if record.announced_on < paper.announced_on or (
        record.announced_on == paper.announced_on
        and _TYPE_RANK.get(record.announce_type, 9) < _TYPE_RANK.get(paper.announce_type, 9)
    ):
        paper.announced_on, paper.announce_type = record.announced_on, record.announce_type
    merged = paper.categories + [c for c in record.categories if c not in paper.categories]
    paper.categories = merged
    paper.primary_category = paper.primary_category or record.primary_category
    paper.score = max(paper.score, record.score)
    paper.code_url = paper.code_url or record.code_url
    if _snapshot(paper) == before:
        return paper, "unchanged"
    paper.save()
    return paper, "updated"


def _snapshot(paper: Paper) -> tuple:
    return (
        paper.version,
        paper.title,
        paper.abstract,
        tuple(paper.authors),
        tuple(paper.categories),
        paper.primary_category,
        paper.score,
        paper.code_url,
        paper.announced_on,
        paper.announce_type,
    )
