from django.db import migrations, models


def move_declarations(apps, schema_editor):
    """Follow-ups filed before the field kept their declaration in piece_answers."""
    Dossier = apps.get_model("permits", "Dossier")
    for dossier in Dossier.objects.filter(piece_answers__has_key="declaration"):
        answers = dict(dossier.piece_answers)
        dossier.declared = answers.pop("declaration") or {}
        Dossier.objects.filter(pk=dossier.pk).update(declared=dossier.declared,
                                                     piece_answers=answers)  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("permits", "0009_applicant_sources_more_documents"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="declared",
            field=models.JSONField(blank=True, default=dict, verbose_name="faits déclarés"),
        ),
        migrations.RunPython(move_declarations, migrations.RunPython.noop),
    ]
