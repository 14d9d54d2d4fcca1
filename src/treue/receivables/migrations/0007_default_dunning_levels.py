"""The four dunning levels, until accounting sets its own (admin): the friendly reminder a week
after the due date charges nothing; the first letter adds default interest, the second and the
final demand the EUR 40 flat fee of § 288 (5) BGB. Dunning letters go to the commercial buyer."""

from decimal import Decimal

from django.db import migrations

LEVELS = [
    # code, position, days after due, days since previous, flat fee, interest
    ("reminder", 1, 7, 0, Decimal(0), False),
    ("first", 2, 21, 14, Decimal(0), True),
    ("second", 3, 35, 14, Decimal(40), True),
    ("final", 4, 49, 14, Decimal(40), True),
]


def add_levels(apps, schema_editor):
    DunningLevel = apps.get_model("receivables", "DunningLevel")
    for code, position, days, since, fee, interest in LEVELS:
        DunningLevel.objects.get_or_create(
            code=code,
            defaults={
                "position": position,
                "days_after_due": days,
                "days_since_previous": since,
                "flat_fee": fee,
                "charges_interest": interest,
            },
        )
    RecipientRule = apps.get_model("communications", "RecipientRule")
    RecipientRule.objects.get_or_create(type="dunning", defaults={"roles": ["commercial_buyer"]})


def remove_levels(apps, schema_editor):
    apps.get_model("receivables", "DunningLevel").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("communications", "0002_default_recipient_rules"),
        ("receivables", "0006_receivables_credit_dunning"),
    ]

    operations = [migrations.RunPython(add_levels, remove_levels)]
