from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("orders", "0005_first_promised_date_required")]

    # Empty at first: a default here would give every existing order the same token.
    operations = [
        migrations.AddField(
            model_name="order",
            name="tracking_token",
            field=models.CharField(max_length=32, null=True, verbose_name="tracking token"),
        ),
    ]
