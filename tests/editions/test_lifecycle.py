"""One writer per state: digest.editions.lifecycle is the only code that writes Edition.status, and the delivery
machinery's moves (queued -> sending, settled -> sent, a retry reopening a sent edition) go through it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings

from digest.editions.lifecycle import IllegalTransition, finish_sending, mark_sending, transition
from digest.models import Edition
from tests.factories import EditionFactory

ROOT = Path(settings.BASE_DIR)
WRITER = ROOT / "digest" / "editions" / "lifecycle.py"
WRITING_CALLS = {"update", "create", "get_or_create", "update_or_create"}


def edition_status_writes(source: str) -> list[int]:
    """Lines that set an edition's status: `x.status = <Edition status>` or `status=<Edition status>` passed to a
    call (update, create, update_or_create), where an Edition status is `Edition.Status.X` or `Status.X` in a module
    that says `Status = Edition.Status`."""
    tree = ast.parse(source)
    aliases = {"Edition.Status"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and ast.unparse(node.value) == "Edition.Status":
            aliases |= {ast.unparse(target) for target in node.targets}

    def is_edition_status(value: ast.AST) -> bool:
        return isinstance(value, ast.Attribute) and ast.unparse(value.value) in aliases

    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and is_edition_status(node.value):
            if any(isinstance(t, ast.Attribute) and t.attr == "status" for t in node.targets):
                lines.append(node.lineno)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") in WRITING_CALLS:
            if any(k.arg == "status" and is_edition_status(k.value) for k in node.keywords):
                lines.append(node.lineno)
    return lines


def project_sources() -> list[Path]:
    paths = [*(ROOT / "digest").rglob("*.py"), *(ROOT / "subscribers").rglob("*.py")]
    return [p for p in paths if "migrations" not in p.parts]


def test_the_detector_finds_an_assignment_and_an_update():
    source = (
        "from digest.models import Edition\n"
        "Status = Edition.Status\n"
        "edition.status = Status.SENT\n"
        "Edition.objects.filter(pk=1).update(status=Edition.Status.SENDING)\n"
        "edition.deliveries.update(status=Delivery.Status.SENT)\n"
        "Edition.objects.filter(status=Edition.Status.SENDING)\n"
    )
    assert edition_status_writes(source) == [3, 4]


def test_nothing_but_the_lifecycle_writes_an_editions_status():
    writers = {
        f"{path.relative_to(ROOT)}:{line}"
        for path in project_sources()
        if path != WRITER
        for line in edition_status_writes(path.read_text(encoding="utf-8"))
    }
    assert writers == set()
    assert edition_status_writes(WRITER.read_text(encoding="utf-8")), "the detector no longer sees the writer"


@pytest.mark.django_db
def test_queued_deliveries_reopen_a_sent_edition():
    edition = EditionFactory(status=Edition.Status.SENT)
    mark_sending(edition)
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENDING


@pytest.mark.django_db
def test_an_editor_cannot_reopen_a_sent_edition():
    edition = EditionFactory(status=Edition.Status.SENT)
    with pytest.raises(IllegalTransition):
        transition(edition, Edition.Status.SENDING)


@pytest.mark.django_db
def test_finishing_closes_only_a_sending_edition_once():
    edition = EditionFactory(status=Edition.Status.SENDING)
    assert finish_sending(edition) is True
    assert finish_sending(edition) is False
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT and edition.sent_at is not None


@pytest.mark.django_db
def test_finishing_leaves_a_draft_alone():
    edition = EditionFactory(status=Edition.Status.DRAFT)
    assert finish_sending(edition) is False
    edition.refresh_from_db()
    assert edition.status == Edition.Status.DRAFT
