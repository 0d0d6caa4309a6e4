"""An installation that already runs gets the "Machine learning methods" topic; what its editors changed stays."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from digest.papers.default_topics import seed_topics

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE, AFTER = [("digest", "0016_merge_verbose_names")], [("digest", "0017_machine_learning_topic")]


@pytest.fixture
def back_to_the_latest_schema():
    """The test migrates the database back; the tests after it need every later migration again."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_migration_adds_the_missing_topic_and_leaves_the_editors_changes_alone(back_to_the_latest_schema):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    Topic = executor.loader.project_state(BEFORE).apps.get_model("digest", "Topic")
    seed_topics(Topic)  # earlier transactional tests may have truncated the seeded rows
    Topic.objects.filter(slug="ml").delete()  # as on an installation seeded before the topic existed
    Topic.objects.filter(slug="vision").update(keywords=["an editor's pattern"], position=2)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    Topic = executor.loader.project_state(AFTER).apps.get_model("digest", "Topic")
    added = Topic.objects.get(slug="ml")
    assert added.arxiv_categories == ["cs.LG", "stat.ML"] and added.name_zh == "机器学习方法"
    assert added.position >= Topic.objects.exclude(slug="ml").count()  # listed after the topics already there
    assert Topic.objects.get(slug="vision").keywords == ["an editor's pattern"]
