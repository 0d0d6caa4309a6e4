"""👍 / 👎 from the email: one vote per reader and paper (the last one wins), counts for editors, and the
"fewer of these" hint in the preference centre."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db.models import Count, Q
from django.urls import reverse

from digest.models import Edition, Paper, Topic
from subscribers.models import Feedback, Subscriber

VOTES = {"up": Feedback.Vote.UP, "down": Feedback.Vote.DOWN}


def edition_page_of(paper: Paper, language: str) -> str:
    """The public archive page of the newest edition that carried the paper, in the reader's language: where the
    thanks page leads back to (the reader's own email is in their mail client)."""
    edition = (
        Edition.objects.filter(status__in=Edition.PUBLISHED, entries__paper=paper, entries__excluded=False)
        .order_by("-date")
        .first()
    )
    if edition is None:
        return ""
    name = "digest:archive_weekly" if edition.kind == Edition.Kind.WEEKLY else "digest:archive_edition"
    return f"{reverse(name, args=[f'{edition.date:%Y-%m-%d}'])}?lang={language}"


def votable_paper(arxiv_id: str) -> Paper | None:
    """The paper a vote link names, if a reader can have been sent it: one in an edition that went out (sending or
    sent) and was not taken out of it, the same papers the public paper pages show. Any other id is no paper."""
    return (
        Paper.objects.filter(
            arxiv_id=arxiv_id[:32],
            edition_entries__edition__status__in=Edition.PUBLISHED,
            edition_entries__excluded=False,
        )
        .distinct()
        .first()
    )


def record_feedback(subscriber: Subscriber, paper: Paper, vote: str) -> Feedback:
    """`vote` is "up" or "down"; voting again replaces the earlier vote."""
    feedback, _ = Feedback.objects.update_or_create(subscriber=subscriber, paper=paper, defaults={"vote": VOTES[vote]})
    return feedback


def feedback_counts(paper_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """{paper id: (👍, 👎)} for the given papers; papers nobody voted on are (0, 0). For the editors' admin."""
    ids = list(paper_ids)
    counts = {paper_id: (0, 0) for paper_id in ids}
    rows = (
        Feedback.objects.filter(paper_id__in=ids)
        .values("paper_id")
        .annotate(up=Count("pk", filter=Q(vote=Feedback.Vote.UP)), down=Count("pk", filter=Q(vote=Feedback.Vote.DOWN)))
    )
    for row in rows:
        counts[row["paper_id"]] = (row["up"], row["down"])
    return counts


def fewer_of_these(subscriber: Subscriber, minimum: int = 1) -> list[tuple[Topic, int]]:
    """Topics the reader receives and has given 👎 to papers of, most 👎 first: offered as "fewer of
    these?" (untick the topic). A reader with no topics chosen receives every topic."""
    chosen = set(subscriber.topics.values_list("pk", flat=True))
    disliked = Counter(
        Topic.objects.filter(
            papers__feedback__subscriber=subscriber, papers__feedback__vote=Feedback.Vote.DOWN
        ).values_list("pk", flat=True)
    )
    topics = Topic.objects.in_bulk(list(disliked))
    return sorted(
        ((topics[pk], count) for pk, count in disliked.items() if count >= minimum and (not chosen or pk in chosen)),
        key=lambda pair: (-pair[1], pair[0].position, pair[0].slug),
    )
