#!/usr/bin/env python
"""Django's command-line utility for 每日精選 AI 論文."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsletter.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        # A configuration that must not run (no SECRET_KEY with DEBUG off): one line saying why, exit 1.
        sys.exit(f"refusing to start: {error}")


if __name__ == "__main__":
    main()
