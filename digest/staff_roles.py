"""The two staff roles, as Django groups: editors curate and approve; admins also run the machine.

Kept in code (and re-applied after every migrate) so a new permission, from any app, reaches the roles
without a data migration per change.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

EDITOR = "editor"
ADMIN = "admin"

#: What an editor may do: curate, preview, test-send and approve editions, fix translations and topics,
#: and read (never change) sources, settings, deliveries and events. Nothing on subscribers.
EDITOR_PERMISSIONS = {
    "digest": [
        "view_edition",
        "change_edition",
        "approve_edition",
        "view_editionentry",
        "add_editionentry",
        "change_editionentry",
        "view_paper",
        "change_paper",
        "view_translation",
        "add_translation",
        "change_translation",
        "view_translationfailure",
        "view_topic",
        "change_topic",
        "view_source",
        "view_sitesettings",
        "view_delivery",
        "view_emailevent",
        "view_glossaryterm",
        "add_glossaryterm",
        "change_glossaryterm",
        "delete_glossaryterm",
        "view_variantphrase",
        "add_variantphrase",
        "change_variantphrase",
        "delete_variantphrase",
        "view_variantoverride",
        "add_variantoverride",
        "change_variantoverride",
        "delete_variantoverride",
    ],
}

#: Admins get every permission of these apps (sources, settings, subscribers' data included).
ADMIN_APPS = ("digest", "subscribers")


def setup_roles() -> tuple[Group, Group]:
    """Creates or updates both groups; idempotent. Permissions that do not exist (yet) are skipped."""
    editor, _ = Group.objects.get_or_create(name=EDITOR)
    admin, _ = Group.objects.get_or_create(name=ADMIN)
    editor_permissions = [
        permission
        for app_label, codenames in EDITOR_PERMISSIONS.items()
        for permission in Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    ]
    editor.permissions.set(editor_permissions)
    admin.permissions.set(Permission.objects.filter(content_type__app_label__in=ADMIN_APPS))
    return editor, admin


def is_site_admin(user) -> bool:
    return bool(user.is_active and (user.is_superuser or user.groups.filter(name=ADMIN).exists()))


def setup_roles_after_migrate(sender, app_config=None, using="default", **kwargs) -> None:
    """post_migrate receiver: makes sure every app's permissions exist first, then sets the roles."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    if not apps.is_installed("django.contrib.auth"):
        return
    for config in apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using)
    setup_roles()
