"""The admin's delete confirmation without the many-to-many link rows (shared by the digest and subscribers admins)."""

from __future__ import annotations

from django.apps import apps
from django.utils.text import capfirst


class WithoutLinkRows:
    """A ModelAdmin mixin for the delete confirmation: it lists what else goes, but not the rows Django keeps for a
    many-to-many link ("Paper-topic relationship: Paper_topics object (3)"), which name no object an editor knows,
    in English Django never translates; the objects at the other end stay."""

    def get_deleted_objects(self, objs, request):
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        links = [model._meta for model in apps.get_models(include_auto_created=True) if model._meta.auto_created]
        prefixes = tuple(f"{capfirst(opts.verbose_name)}: " for opts in links)
        plurals = {str(opts.verbose_name_plural) for opts in links}
        return (
            _without(to_delete, prefixes),
            {name: count for name, count in model_count.items() if str(name) not in plurals},
            perms_needed,
            protected,
        )


def _without(items: list, prefixes: tuple[str, ...]) -> list:
    kept = []
    for item in items:
        if isinstance(item, list):
            nested = _without(item, prefixes)
            if nested:
                kept.append(nested)
        elif not str(item).startswith(prefixes):
            kept.append(item)
    return kept
