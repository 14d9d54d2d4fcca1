"""Lines from before the history kept their promise unchanged: the first promise is the current one."""

from django.db import migrations
from django.db.models import F


def first_from_current(apps, schema_editor):
    apps.get_model("orders", "OrderLine").objects.filter(first_promised_date__isnull=True).update(
        first_promised_date=F("promised_date")
    )


class Migration(migrations.Migration):
    dependencies = [("orders", "0003_promised_date_history")]

    operations = [migrations.RunPython(first_from_current, migrations.RunPython.noop)]
