"""Dragging a paper by its handle reorders the edition (the small script); Up/Down do it without script."""

import pytest

from digest.models import EditionEntry
from tests.admin_users import PASSWORD, make_staff
from tests.factories import EditionEntryFactory, EditionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_dragging_a_paper_above_another_saves_the_order(page, live_server):
    make_staff("mei", "editor")
    edition = EditionFactory()
    first, second, third = (EditionEntryFactory(edition=edition, position=n) for n in range(3))
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "mei")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    page.goto(live_server.url + f"/admin/digest/edition/{edition.pk}/curate/")
    with page.expect_navigation():  # the script reloads the page once the order is saved
        page.drag_and_drop(f"#entry-{third.pk} td.handle", f"#entry-{first.pk} td.num")
    order = list(EditionEntry.objects.filter(edition=edition).order_by("position", "pk").values_list("pk", flat=True))
    assert order == [third.pk, first.pk, second.pk]
    assert page.locator("tr.entry").first.get_attribute("id") == f"entry-{third.pk}"
