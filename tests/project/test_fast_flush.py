"""Transactional tests leave empty tables behind, emptied by DELETE (tests/fast_flush.py)."""

import pytest
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection

from digest.models import Edition, EditionEntry
from tests.factories import EditionEntryFactory


def test_the_flush_deletes_rows_with_constraints_checked_at_commit():
    statements = connection.ops.sql_flush(no_style(), ["digest_edition", "digest_editionentry"])
    assert statements == [
        'SET CONSTRAINTS ALL DEFERRED; DELETE FROM "digest_edition"; DELETE FROM "digest_editionentry";'
    ]


def test_a_flush_that_resets_sequences_keeps_djangos_truncate():
    statements = connection.ops.sql_flush(no_style(), ["digest_edition"], reset_sequences=True)
    assert any("TRUNCATE" in statement for statement in statements)


@pytest.mark.django_db(transaction=True)
def test_flush_empties_tables_that_reference_each_other_in_any_order():
    EditionEntryFactory()
    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
    assert not Edition.objects.exists() and not EditionEntry.objects.exists()


@pytest.mark.django_db
def test_the_test_database_commits_without_waiting_for_the_disk():
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "off"
