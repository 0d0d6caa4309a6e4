"""Staff users per role for admin tests (the groups come from digest.staff_roles)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from digest.staff_roles import setup_roles

PASSWORD = "correct horse battery staple"


def make_staff(username: str, role: str | None) -> object:
    """role: "editor", "admin" (the group), "superuser", or None (staff with no permissions)."""
    setup_roles()
    user = get_user_model().objects.create_user(
        username, f"{username}@example.org", PASSWORD, is_staff=True, is_superuser=role == "superuser"
    )
    if role in ("editor", "admin"):
        user.groups.add(Group.objects.get(name=role))
    return user
