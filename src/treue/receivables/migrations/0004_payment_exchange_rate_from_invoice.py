"""Payments recorded before they had a rate of their own take their invoice's rate."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def rate_from_invoice(apps, schema_editor):
    Invoice = apps.get_model("receivables", "Invoice")
    Payment = apps.get_model("receivables", "Payment")
    Payment.objects.update(
        exchange_rate=Subquery(
            Invoice.objects.filter(pk=OuterRef("invoice_id")).values("exchange_rate")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [("receivables", "0003_payment_exchange_rate")]

    operations = [migrations.RunPython(rate_from_invoice, migrations.RunPython.noop)]
