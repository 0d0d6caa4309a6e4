"""An index on ReaderModel.retrained_at, built CONCURRENTLY on PostgreSQL (atomic = False): the nightly retrain finds
its last run (the newest retrained_at) from the index instead of scanning the model of every reader who ever voted."""

from django.db import migrations, models

from digest.schema_changes import AddIndexWithoutLock


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("subscribers", "0011_feedback_paper_vote_index"),
    ]

    operations = [
        AddIndexWithoutLock(
            model_name="readermodel",
            index=models.Index(fields=["retrained_at"], name="readermodel_retrained_idx"),
        ),
    ]
