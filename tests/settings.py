"""The project's settings with a test-only SECRET_KEY (the real settings refuse to start without one).

Set in the environment too, so the processes a test starts (workers, manage.py) inherit it.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-key-3f1c2a9e8d7b6a5f4e3d2c1b0a9f8e7d6c5b4a39281706f5e4d3")

from newsletter.settings import *  # noqa: F403
