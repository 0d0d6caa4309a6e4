"""CSV import: read and checked whole, each row stored on its own by a worker, with progress and a report."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from subscribers.importing import ImportFailed, import_csv
from subscribers.models import Subscriber, SubscriberImport
from tests.admin_users import make_staff

pytestmark = pytest.mark.django_db

HEADER = "email,language,topics,bilingual,max_papers\n"


def rows(count: int, start: int = 0) -> str:
    return "".join(f"reader{n}@example.org,en,,,\n" for n in range(start, start + count))


def test_a_bad_byte_near_the_end_imports_nothing_and_says_which_line(topics, tmp_path):
    from subscribers.subscription import import_subscribers

    path = tmp_path / "readers.csv"
    path.write_bytes((HEADER + rows(300)).encode() + b"bad\xff@example.org,en,,,\n" + rows(2, 300).encode())
    with pytest.raises(ImportFailed, match="line 302: not UTF-8"):
        import_subscribers(path)
    assert not Subscriber.objects.exists()


def test_a_field_past_the_csv_limit_near_the_end_imports_nothing(topics):
    content = (HEADER + rows(50) + "x" * 200_000 + "@example.org,en,,,\n").encode()
    with pytest.raises(ImportFailed, match=r"line 52: .*nothing was imported"):
        import_csv(content)
    assert not Subscriber.objects.exists()


def test_a_failure_while_storing_one_row_is_that_rows_error_and_the_others_are_kept(topics, monkeypatch):
    from subscribers import importing

    real = importing.status.activate_imported
    seen = []

    def fail_on_the_fifth(subscriber):
        seen.append(subscriber.email)
        if len(seen) == 5:
            raise RuntimeError("database went away")
        return real(subscriber)

    monkeypatch.setattr(importing.status, "activate_imported", fail_on_the_fifth)
    report = import_csv((HEADER + rows(10)).encode())
    assert report.created == 9 and Subscriber.objects.count() == 9
    assert report.errors == [(6, "not stored: RuntimeError: database went away")]


def test_progress_is_reported_while_checking_and_storing(topics, monkeypatch):
    from subscribers import importing

    monkeypatch.setattr(importing, "PROGRESS_EVERY", 100)
    seen = []
    report = import_csv((HEADER + rows(250)).encode(), progress=lambda *figures: seen.append(figures))
    assert report.created == 250
    assert seen == [("checking", 100, 250), ("checking", 200, 250), ("storing", 100, 250), ("storing", 200, 250)]


@pytest.fixture
def admin_client_(client):
    client.force_login(make_staff("importer", "admin"))
    return client


def test_the_admin_queues_the_file_and_shows_the_report_on_the_imports_page(admin_client_, topics):
    body = HEADER + "new@example.org,zh-Hant-HK,llm,false,5\nbad,xx,,,\n"
    upload = SimpleUploadedFile("subs.csv", body.encode(), content_type="text/csv")
    response = admin_client_.post(reverse("admin:subscribers_subscriber_import"), {"file": upload})
    job = SubscriberImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:subscribers_subscriber_import_status", args=[job.pk])
    page = admin_client_.get(response["Location"])
    assert (job.status, job.created, job.errors) == ("done", 1, [[3, "invalid email 'bad'"]])
    assert "created 1" in page.text and "<td>3</td>" in page.text and "http-equiv" not in page.text
    assert bytes(job.content) == b""  # the file is not kept once imported


def test_a_file_that_cannot_be_read_is_reported_as_failed_with_nothing_imported(admin_client_, topics):
    upload = SimpleUploadedFile("subs.csv", (HEADER + rows(3)).encode() + b"\xff\n", content_type="text/csv")
    response = admin_client_.post(reverse("admin:subscribers_subscriber_import"), {"file": upload}, follow=True)
    assert "not UTF-8" in response.text and "nothing was imported" in response.text
    assert SubscriberImport.objects.get().status == "failed" and not Subscriber.objects.exists()


def test_a_running_import_page_refreshes_and_shows_progress(admin_client_, topics):
    from django.core.cache import cache

    from subscribers.importing import progress_key

    job = SubscriberImport.objects.create(content=b"", status="running")
    cache.set(progress_key(job.pk), {"phase": "storing", "done": 400, "total": 5000})
    page = admin_client_.get(reverse("admin:subscribers_subscriber_import_status", args=[job.pk]))
    assert 'http-equiv="refresh"' in page.text and "400 of 5000" in page.text
