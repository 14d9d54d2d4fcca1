"""Service levels until an admin sets others, in business minutes (a working day has 540): a
critical complaint is acknowledged within the hour and resolved within a week of working days."""

from django.db import migrations

DAY = 9 * 60
DEFAULT_POLICIES = [
    # name, severity, acknowledge, propose, resolve
    ("Kritisch", "critical", 60, DAY, 5 * DAY),
    ("Hoch", "high", 4 * 60, 2 * DAY, 10 * DAY),
    ("Mittel", "medium", DAY, 5 * DAY, 20 * DAY),
    ("Niedrig", "low", 2 * DAY, 10 * DAY, 30 * DAY),
]


def add_policies(apps, schema_editor):
    SlaPolicy = apps.get_model("complaints", "SlaPolicy")
    for name, severity, acknowledge, propose, resolve in DEFAULT_POLICIES:
        SlaPolicy.objects.get_or_create(
            severity=severity,
            category="",
            segment="",
            defaults={
                "name": name,
                "acknowledge_minutes": acknowledge,
                "propose_minutes": propose,
                "resolve_minutes": resolve,
            },
        )


def add_recipient_rule(apps, schema_editor):
    # Without a contact who filed it, the buyers hear of a complaint's steps.
    RecipientRule = apps.get_model("communications", "RecipientRule")
    RecipientRule.objects.get_or_create(
        type="complaint_update", defaults={"roles": ["commercial_buyer", "technical_buyer"]}
    )


def remove_policies(apps, schema_editor):
    SlaPolicy = apps.get_model("complaints", "SlaPolicy")
    SlaPolicy.objects.filter(category="", segment="", severity__in=[p[1] for p in DEFAULT_POLICIES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0001_initial"),
        ("communications", "0002_default_recipient_rules"),
    ]

    operations = [
        migrations.RunPython(add_policies, remove_policies),
        migrations.RunPython(add_recipient_rule, migrations.RunPython.noop),
    ]
