"""An index on Feedback (paper, vote), built CONCURRENTLY on PostgreSQL (atomic = False): the admin's edition list
counts each edition's 👍 and 👎 from it alone, instead of hashing every vote ever cast once per row of the page."""

from django.db import migrations, models

from digest.schema_changes import AddIndexWithoutLock


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("subscribers", "0010_retrain_since_last_run"),
    ]

    operations = [
        AddIndexWithoutLock(
            model_name="feedback",
            index=models.Index(fields=["paper", "vote"], name="feedback_paper_vote_idx"),
        ),
    ]
