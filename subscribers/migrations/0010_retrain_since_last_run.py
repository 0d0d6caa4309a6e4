"""The nightly retrain reads only the votes since its last run: ReaderModel.retrained_at (a nullable column: no
rewrite) and an index on Feedback.updated_at, built CONCURRENTLY on PostgreSQL (atomic = False)."""

from django.db import migrations, models

from digest.schema_changes import AddIndexWithoutLock


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("subscribers", "0009_interface_labels_translatable"),
    ]

    operations = [
        migrations.AddField(
            model_name="readermodel",
            name="retrained_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        AddIndexWithoutLock(
            model_name="feedback",
            index=models.Index(fields=["updated_at"], name="feedback_updated_idx"),
        ),
    ]
