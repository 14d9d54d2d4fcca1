"""The stages a machine builder's order usually goes through; admins adapt the list."""

from django.db import migrations

STAGES = [
    ("received", "Auftrag eingegangen", "Order received"),
    ("engineering", "Konstruktion", "Engineering"),
    ("manufacturing", "Fertigung", "Manufacturing"),
    ("assembly", "Montage", "Assembly"),
    ("inspection", "Prüfung", "Inspection"),
    ("ready_to_ship", "Versandbereit", "Ready to ship"),
    ("shipped", "Versandt", "Shipped"),
    ("delivered", "Zugestellt", "Delivered"),
]


def add_stages(apps, schema_editor):
    ProductionStage = apps.get_model("orders", "ProductionStage")
    for position, (code, name_de, name_en) in enumerate(STAGES, start=1):
        ProductionStage.objects.get_or_create(
            code=code, defaults={"name_de": name_de, "name_en": name_en, "position": position * 10}
        )


def remove_stages(apps, schema_editor):
    apps.get_model("orders", "ProductionStage").objects.filter(
        code__in=[code for code, _, _ in STAGES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("orders", "0009_production_stages")]

    operations = [migrations.RunPython(add_stages, remove_stages)]
