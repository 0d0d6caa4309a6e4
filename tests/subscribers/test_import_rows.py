"""One bad row of a CSV file is reported with its line and the others are stored; every import job ends and deletes
its file. On the real PostgreSQL, whose refusals (DataError) abort the transaction they happen in."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DataError, OperationalError, connection
from django.urls import reverse

from subscribers import importing
from subscribers.importing import import_csv, run_import
from subscribers.models import Subscriber, SubscriberImport
from tests.admin_users import make_staff

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "email,language,topics,bilingual,max_papers\n"
LONG_ADDRESS = "a" * 245 + "@example.org"  # 257 characters: past the 254 of the column


@pytest.fixture
def admin_client_(client):
    client.force_login(make_staff("importer", "admin"))
    return client


@pytest.fixture
def database_refuses(monkeypatch):
    """Subscriber.save for the addresses given runs a statement PostgreSQL refuses (a real DataError, which aborts
    the transaction it runs in), as a value past a column did."""
    refused: set[str] = set()
    real_save = Subscriber.save

    def save(self, *args, **kwargs):
        if self.email in refused:
            with connection.cursor() as cursor:
                cursor.execute("SELECT CAST('x' AS integer)")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Subscriber, "save", save)
    return refused


def upload(admin_client_, body: str):
    file = SimpleUploadedFile("subs.csv", body.encode(), content_type="text/csv")
    return admin_client_.post(reverse("admin:subscribers_subscriber_import"), {"file": file})


def test_a_257_character_address_is_its_lines_error_and_both_good_rows_are_stored(admin_client_, topics):
    response = upload(admin_client_, HEADER + f"one@example.org,en,,,\n{LONG_ADDRESS},en,,,\ntwo@example.org,en,,,\n")
    job = SubscriberImport.objects.get()
    assert response.status_code == 302
    assert (job.status, job.created, [line for line, _ in job.errors]) == ("done", 2, [3])
    assert set(Subscriber.objects.values_list("email", flat=True)) == {"one@example.org", "two@example.org"}
    assert bytes(job.content) == b""


@pytest.mark.parametrize(
    "values, column",
    [
        ({"email": "a" * 300 + "@example.org"}, "email"),
        ({"language": "x" * 17}, "language"),
        ({"max_papers": 70000}, "max_papers"),
        ({"frequency": "fortnightly"}, "frequency"),
        ({"follows": {"keywords": [1]}}, "follows"),
    ],
)
def test_each_value_is_checked_against_its_column_before_storing(values, column):
    with pytest.raises(importing.ValidationError) as error:
        importing._check_columns(values)
    assert error.value.messages[0].startswith(f"{column}: ")


def test_a_row_postgresql_refuses_is_reported_with_its_line_and_the_others_are_kept(topics, database_refuses):
    database_refuses.add("two@example.org")
    report = import_csv((HEADER + "one@example.org,en,,,\ntwo@example.org,en,,,\nthree@example.org,en,,,\n").encode())
    assert report.created == 2
    assert [line for line, _ in report.errors] == [3]
    assert report.errors[0][1].startswith("not stored: DataError: ")
    assert set(Subscriber.objects.values_list("email", flat=True)) == {"one@example.org", "three@example.org"}


def test_an_import_that_raises_ends_failed_with_its_reason_and_its_file_deleted(admin_client_, topics, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(importing, "import_csv", broken)
    response = upload(admin_client_, HEADER + "one@example.org,en,,,\n")
    job = SubscriberImport.objects.get()
    assert response.status_code == 302
    assert job.status == "failed" and job.finished_at is not None
    assert job.failure == "unexpected error: OperationalError: server closed the connection unexpectedly"
    assert bytes(job.content) == b""
    page = admin_client_.get(response["Location"])
    assert page.status_code == 200 and "server closed the connection" in page.text


def test_a_job_left_running_by_a_dead_worker_ends_when_its_task_comes_again(topics):
    job = SubscriberImport.objects.create(content=(HEADER + "one@example.org,en,,,\n").encode(), status="running")
    run_import(job.pk)
    job.refresh_from_db()
    assert (job.status, job.created, bytes(job.content)) == ("done", 1, b"")


def test_a_finished_job_is_not_run_again(topics):
    job = SubscriberImport.objects.create(content=b"", status="done")
    assert run_import(job.pk) is None


def test_data_error_is_what_postgresql_raises_for_the_refused_statement(database_refuses):
    database_refuses.add("x@example.org")
    with pytest.raises(DataError):
        Subscriber(email="x@example.org").save()


def test_an_upload_the_broker_cannot_take_ends_failed_with_its_file_deleted(admin_client_, topics, monkeypatch):
    from kombu.exceptions import OperationalError as BrokerDown

    from digest import jobs

    def down(*args):
        raise BrokerDown("[Errno 111] Connection refused")

    monkeypatch.setattr(jobs, "enqueue", down)
    response = upload(admin_client_, HEADER + "one@example.org,en,,,\n")
    job = SubscriberImport.objects.get()
    assert response.status_code == 302
    assert job.status == "failed" and "could not be queued" in job.failure and bytes(job.content) == b""
    assert not Subscriber.objects.exists()
