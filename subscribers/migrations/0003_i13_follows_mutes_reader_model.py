import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("subscribers", "0002_paused_until_feedback")]
    operations = [
        migrations.AddField(model_name="subscriber", name="follows", field=models.JSONField(blank=True, default=dict)),
        migrations.AddField(model_name="subscriber", name="mutes", field=models.JSONField(blank=True, default=dict)),
        migrations.CreateModel(
            name="ReaderModel",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("weights", models.JSONField(blank=True, default=dict)),
                ("intercept", models.FloatField(default=0.0)),
                ("votes", models.PositiveIntegerField(default=0)),
                ("trained_at", models.DateTimeField(blank=True, null=True)),
                ("reset_at", models.DateTimeField(blank=True, null=True)),
                (
                    "subscriber",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reader_model",
                        to="subscribers.subscriber",
                    ),
                ),
            ],
        ),
    ]
