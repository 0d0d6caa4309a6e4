"""An admin imports a CSV in Chromium: the file is queued, its page shows the report (in Taiwan's Chinese).

Screenshots (var/screenshots/): admin-csv-import-report, admin-csv-import-failed.
"""

import pytest

from subscribers.models import Subscriber
from tests.admin_users import make_staff
from tests.e2e.conftest import screenshot
from tests.e2e.test_admin_topics_and_results import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
HEADER = "email,language,topics,bilingual,max_papers\n"


def upload(page, live_server, tmp_path, name, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    page.goto(live_server.url + "/admin/subscribers/subscriber/import/")
    page.set_input_files("input[type=file]", str(path))
    page.click("form[enctype='multipart/form-data'] button[type=submit]")
    page.wait_for_selector("p.import-status")


def test_admin_imports_a_csv_and_reads_the_report(page, live_server, topics, tmp_path):
    make_staff("boss", "admin")
    log_in(page, live_server, "boss")
    upload(
        page, live_server, tmp_path, "readers.csv", (HEADER + "a@example.org,zh-Hant-TW,llm,,\nbad,en,,,\n").encode()
    )
    assert "完成" in page.locator("p.import-status").inner_text()
    assert "已新增 1" in page.locator("p.import-report").inner_text()
    assert page.locator("#content-main table td, #content table td").first.inner_text() == "3"
    screenshot(page, "admin-csv-import-report")
    assert Subscriber.objects.get().email == "a@example.org"

    upload(page, live_server, tmp_path, "broken.csv", (HEADER + "b@example.org,en,,,\n").encode() + b"\xff\n")
    assert "not UTF-8" in page.locator("p.errornote").inner_text()
    screenshot(page, "admin-csv-import-failed")
    assert Subscriber.objects.count() == 1
