"""The commands' tests drive the real translator client against the loopback model server the translation tests use."""

from tests.translation.conftest import serve  # noqa: F401  (a fixture, shared)
