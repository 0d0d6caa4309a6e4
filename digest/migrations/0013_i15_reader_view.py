import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("digest", "0012_delivery_bilingual"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReaderView",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "language",
                    models.CharField(
                        choices=[
                            ("zh-Hant-TW", "繁體中文（台灣）"),
                            ("zh-Hant-HK", "繁體中文（香港）"),
                            ("zh-Hans", "简体中文"),
                            ("en", "English"),
                        ],
                        max_length=16,
                    ),
                ),
                ("bilingual", models.BooleanField(default=False)),
                ("picks", models.JSONField(default=list)),
                ("key", models.CharField(max_length=64, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "edition",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="reader_views", to="digest.edition"
                    ),
                ),
            ],
        ),
    ]
