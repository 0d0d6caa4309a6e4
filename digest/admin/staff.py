"""Users and groups in the editor's language: Django stores each permission's name in English ("Can add paper"), so
the admin names them itself, from the model's translated name and the action, instead of showing the stored name;
the two staff roles, groups the code finds by their English names, are shown by their translated names."""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, SetUnusablePasswordMixin
from django.contrib.auth.models import Group, Permission, User
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from digest.admin_deletion import WithoutLinkRows
from digest.staff_roles import ADMIN, EDITOR

ROLE_NAMES = {EDITOR: pgettext_lazy("staff role", "editor"), ADMIN: pgettext_lazy("staff role", "admin")}

#: Django's four default permissions, named in the interface language.
ACTIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_label(permission: Permission) -> str:
    """"論文 | 可新增論文": the app and model by their translated names, the action by ours; a custom permission by
    its translated name (the models mark theirs for translation)."""
    content_type = permission.content_type
    model = content_type.model_class()
    model_name = model._meta.verbose_name if model else content_type.model
    app_name = apps.get_app_config(content_type.app_label).verbose_name if model else content_type.app_label
    action = permission.codename.split("_", 1)[0]
    if action in ACTIONS and permission.codename == f"{action}_{content_type.model}":
        name = ACTIONS[action] % {"model": model_name}
    else:
        name = gettext(permission.name)
    return f"{app_name} | {model_name} | {name}"


def group_label(group: Group) -> str:
    """A staff role by its translated name; any other group by its own."""
    return str(ROLE_NAMES.get(group.name, group.name))


class GroupFilter(admin.RelatedFieldListFilter):
    def field_choices(self, field, request, model_admin):
        return [(group.pk, group_label(group)) for group in Group.objects.order_by("name")]


class PermissionsInEditorLanguage(WithoutLinkRows):
    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.related_model is Permission:
            field.queryset = field.queryset.select_related("content_type")
            field.label_from_instance = permission_label
        if field is not None and db_field.related_model is Group:
            field.label_from_instance = group_label
        return field


class PasswordForm(AdminPasswordChangeForm):
    """Django joins the help text of "password-based authentication" to its warning when the module loads, so the
    joined text stays English whatever the language: joined here per request, in the editor's language."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "usable_password" in self.fields:
            self.fields["usable_password"].help_text = format_html(
                '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
                SetUnusablePasswordMixin.usable_password_help_text,
                gettext("If disabled, the current password for this user will be lost."),
            )


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class StaffUserAdmin(PermissionsInEditorLanguage, UserAdmin):
    change_password_form = PasswordForm
    list_filter = ("is_staff", "is_superuser", "is_active", ("groups", GroupFilter))


@admin.register(Group)
class StaffGroupAdmin(PermissionsInEditorLanguage, GroupAdmin):
    list_display = ("role_name",)

    @admin.display(description=_("name"), ordering="name")
    def role_name(self, group: Group) -> str:
        return group_label(group)
