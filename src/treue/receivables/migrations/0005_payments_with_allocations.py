"""Money received becomes a Payment of its own, with a reference, applied to invoices by
Allocations: each payment recorded so far becomes a payment with one allocation."""

from django.db import migrations, models


def split_payments(apps, schema_editor):
    Allocation = apps.get_model("receivables", "Allocation")
    Payment = apps.get_model("receivables", "Payment")
    for allocation in Allocation.objects.select_related("invoice").iterator(chunk_size=2000):
        payment = Payment.objects.create(
            customer_id=allocation.invoice.customer_id,
            reference=f"ZE-{allocation.pk}",
            received_on=allocation.allocated_on,
            currency=allocation.invoice.currency,
            amount=allocation.amount if allocation.amount > 0 else allocation.cash_discount,
            exchange_rate=allocation.exchange_rate,
        )
        Allocation.objects.filter(pk=allocation.pk).update(payment=payment)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0001_initial"),
        ("receivables", "0004_payment_exchange_rate_from_invoice"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="payment", name="payment_amount_gt_0"),
        migrations.RemoveConstraint(model_name="payment", name="payment_cash_discount_gte_0"),
        migrations.RemoveConstraint(model_name="payment", name="payment_rate_gt_0"),
        migrations.RenameModel("Payment", "Allocation"),
        migrations.RenameField("allocation", "received_on", "allocated_on"),
        migrations.AlterModelOptions(
            name="allocation",
            options={"ordering": ["-allocated_on", "-id"]},
        ),
        migrations.CreateModel(
            name="Payment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                ("reference", models.CharField(max_length=60, unique=True)),
                ("received_on", models.DateField()),
                ("currency", models.CharField(max_length=3)),
                ("amount", models.DecimalField(decimal_places=2, max_digits=14)),
                ("exchange_rate", models.DecimalField(decimal_places=6, default=1, max_digits=12)),
                ("source", models.CharField(default="api", max_length=10)),
                ("recorded_at", models.DateTimeField(auto_now_add=True)),
                (
                    "customer",
                    models.ForeignKey(
                        on_delete=models.deletion.PROTECT,
                        related_name="payments",
                        to="customers.customer",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="allocation",
            name="payment",
            field=models.ForeignKey(
                null=True,
                blank=True,
                on_delete=models.deletion.CASCADE,
                related_name="allocations",
                to="receivables.payment",
            ),
        ),
        migrations.RunPython(split_payments, migrations.RunPython.noop),
        migrations.RemoveField("allocation", "exchange_rate"),
    ]
