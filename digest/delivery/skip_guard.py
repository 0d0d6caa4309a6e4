"""Skips the edition's own papers cannot explain never settle a send.

A reader is rightly skipped ("no papers in the subscriber's topics") when the edition, as the database holds it,
has papers but none in the topics they chose, or when their own mutes or size leave nothing. Any other reader
with no papers means the worker's view of the edition is wrong: a pool computed empty, or left over from another
database whose edition had the same id (a benchmark's worker once settled all 20,000 rows of a send as skipped in
3.4 s that way). The send path (sending._settle_no_papers) then drops its cached work and picks those readers
again from the database; whoever is still unexplained is judged here:

- the edition's pool comes up empty for this worker, or the edition reads as having no papers at all (it had
  papers when it was queued: fanout refuses an empty one): an error to retry, never a skip;
- more than JUMP_SHARE of the batch's picked readers unexplained (at least JUMP_MIN_ROWS of them): the send stops
  (the kill switch, SiteSettings.sending_paused) and the admins are alerted; the rows go back to the queue, so
  turning the switch off sends them once the cause is fixed.

Why 25 %: the share the edition explains is computed per reader (their topics against the edition's), so the
order of the batches (by variant) cannot make it jump; what is left unexplained after a fresh pick is 0 in every
run we know of. A quarter of a batch is far above any rounding of that, low enough to stop at the first batch of
a broken worker (a default batch is 200 readers: 50 rows), and a single odd reader (JUMP_MIN_ROWS) never stops a
whole send.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.core.mail import mail_admins

from digest.models import Delivery, Edition, SiteSettings
from digest.personalization.inputs import edition_pool
from digest.personalization.picking import Reader
from subscribers.models import Subscriber

log = logging.getLogger(__name__)

NO_PAPERS = "no papers in the subscriber's topics"
JUMP_SHARE = 0.25
JUMP_MIN_ROWS = 5

Unpicked = tuple[Delivery, Subscriber, Reader]


def edition_topics(edition: Edition) -> frozenset[str] | None:
    """The topics of the edition's papers as the database holds them now (no cache), or None when it has none."""
    rows = list(
        edition.entries.filter(excluded=False).values_list("paper__topics__slug", flat=True).order_by().distinct()
    )
    return frozenset(slug for slug in rows if slug) if rows else None


def explained(reader: Reader, topics: frozenset[str] | None) -> bool:
    """Whether the edition's own papers explain that this reader gets none: it has papers (topics is not None) and
    the reader chose topics none of them has, or the reader's mutes or size can leave nothing."""
    if topics is None:
        return False
    if reader.mutes or reader.max_papers <= 0:
        return True
    return bool(reader.topic_slugs) and not reader.topic_slugs & topics


def split(unpicked: list[Unpicked]) -> tuple[list[Unpicked], list[Unpicked]]:
    """(explained, doubted) readers among those the picks gave nothing."""
    topics: dict[int, frozenset[str] | None] = {}
    sure, doubted = [], []
    for item in unpicked:
        edition = item[0].edition
        if edition.pk not in topics:
            topics[edition.pk] = edition_topics(edition)
        (sure if explained(item[2], topics[edition.pk]) else doubted).append(item)
    return sure, doubted


@dataclass
class Verdict:
    #: Why the rows go back to the queue instead of being skipped ("" : skip them).
    retry_reason: str = ""


def judge(unexplained: list[Unpicked], picked: int) -> Verdict:
    """What to do with readers still without papers after a fresh pick although the edition explains none of it;
    `picked` is how many readers of the batch reached picking."""
    edition = unexplained[0][0].edition
    if edition_topics(edition) is None or not edition_pool(edition, unexplained[0][2]).entries:
        log.error("edition's papers read as none edition=%s rows=%s", edition.pk, len(unexplained))
        return Verdict(f"this worker read no papers in {edition}, which has papers; retried, not skipped")
    share = len(unexplained) / max(picked, 1)
    if len(unexplained) >= JUMP_MIN_ROWS and share > JUMP_SHARE:
        stop_and_alert(edition, len(unexplained), picked)
        return Verdict(
            f"held: {len(unexplained)} of {picked} readers of the batch would get no papers although the edition "
            f"has papers in their topics; sending paused, admins alerted"
        )
    log.warning("readers without papers the edition does not explain edition=%s rows=%s", edition.pk, len(unexplained))
    return Verdict()


def stop_and_alert(edition: Edition, unexplained: int, picked: int) -> None:
    """Turns the kill switch on (no message leaves until an operator turns it off) and tells the admins, once per
    edition and hour."""
    site = SiteSettings.current()
    if not site.sending_paused:
        SiteSettings.objects.filter(pk=site.pk).update(sending_paused=True)
    log.error(
        "send stopped: skip share far above what the edition explains edition=%s unexplained=%s picked=%s",
        edition.pk, unexplained, picked,
    )  # fmt: skip
    if cache.add(f"skip-guard:alerted:{edition.pk}", True, 3600):
        mail_admins(
            f"Sending of {edition} stopped",
            f"{unexplained} of {picked} readers of one batch of {edition} would have been settled as having no papers "
            "in their topics, although the edition has papers in those topics. Sending is paused (site settings: "
            "sending paused) and the rows are queued again. Find why a worker reads the edition wrongly (a worker "
            "left over from another database, a stale process), then turn the switch off to send them.",
            fail_silently=True,
        )
