"""Staff roles: groups made by migrate (and by setup_roles, idempotently)."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_migrate_created_both_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= {"editor", "admin"}


def test_editor_may_curate_and_approve_but_not_touch_sources_settings_or_subscribers():
    codenames = set(Group.objects.get(name="editor").permissions.values_list("codename", flat=True))
    assert {"change_edition", "approve_edition", "change_editionentry", "add_translation"} <= codenames
    assert not codenames & {"change_source", "change_sitesettings", "change_subscriber", "view_subscriber"}


def test_admin_may_change_sources_settings_and_subscribers():
    codenames = set(Group.objects.get(name="admin").permissions.values_list("codename", flat=True))
    assert {"change_source", "change_sitesettings", "change_subscriber", "approve_edition"} <= codenames


def test_setup_roles_is_idempotent():
    call_command("setup_roles", verbosity=0)
    call_command("setup_roles", verbosity=0)
    assert Group.objects.filter(name="editor").count() == 1
