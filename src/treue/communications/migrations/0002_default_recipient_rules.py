"""Who hears of what, until an admin decides otherwise: the buyers and users of the product hear
of delays, the commercial buyer of confirmations, the buyer and decision maker of requests to
agree to a partial delivery. Gatekeepers and influencers are not flooded with order details."""

from django.db import migrations

DEFAULT_RULES = {
    "order_confirmation": ["commercial_buyer"],
    "delay_notice": ["commercial_buyer", "technical_buyer", "user"],
    "partial_delivery_request": ["commercial_buyer", "decision_maker"],
}


def add_rules(apps, schema_editor):
    RecipientRule = apps.get_model("communications", "RecipientRule")
    for type_, roles in DEFAULT_RULES.items():
        RecipientRule.objects.get_or_create(type=type_, defaults={"roles": roles})


def remove_rules(apps, schema_editor):
    RecipientRule = apps.get_model("communications", "RecipientRule")
    RecipientRule.objects.filter(type__in=DEFAULT_RULES).delete()


class Migration(migrations.Migration):
    dependencies = [("communications", "0001_communications")]

    operations = [migrations.RunPython(add_rules, remove_rules)]
