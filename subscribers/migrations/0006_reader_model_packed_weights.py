"""A reader's model weights as packed binary (int32 indices, then float32 weights) instead of JSON: the send path
reads one per reader who has a model, and decoding JSON cost more than picking their papers."""

import struct

from django.db import migrations, models


def pack(apps, schema_editor):
    ReaderModel = apps.get_model("subscribers", "ReaderModel")
    for row in ReaderModel.objects.exclude(weights={}).iterator(chunk_size=2000):
        indices, weights = row.weights.get("i") or [], row.weights.get("w") or []
        if indices and len(indices) == len(weights):
            row.packed = struct.pack(f"<{len(indices)}i{len(weights)}f", *indices, *weights)
            row.save(update_fields=["packed"])


def unpack(apps, schema_editor):
    ReaderModel = apps.get_model("subscribers", "ReaderModel")
    for row in ReaderModel.objects.exclude(packed=b"").iterator(chunk_size=2000):
        data = bytes(row.packed)
        count = len(data) // 8
        values = struct.unpack(f"<{count}i{count}f", data)
        row.weights = {"i": list(values[:count]), "w": [round(w, 5) for w in values[count:]]}
        row.save(update_fields=["weights"])


class Migration(migrations.Migration):
    dependencies = [("subscribers", "0005_merge_verbose_names")]

    operations = [
        migrations.AddField("readermodel", "packed", models.BinaryField(default=b"", blank=True)),
        migrations.RunPython(pack, unpack),
        migrations.RemoveField("readermodel", "weights"),
        migrations.RenameField("readermodel", "packed", "weights"),
    ]
