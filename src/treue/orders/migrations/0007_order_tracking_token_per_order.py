"""Every existing order gets a tracking token of its own."""

import secrets

from django.db import migrations


def give_tokens(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    orders = list(Order.objects.filter(tracking_token__isnull=True).only("pk"))
    for order in orders:
        order.tracking_token = secrets.token_urlsafe(16)
    Order.objects.bulk_update(orders, ["tracking_token"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("orders", "0006_order_tracking_token")]

    operations = [migrations.RunPython(give_tokens, migrations.RunPython.noop)]
