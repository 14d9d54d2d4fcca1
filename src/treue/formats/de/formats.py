"""German formats are Django's own; treue adds the long date of the overview page."""

from django.conf.locale.de.formats import *  # noqa: F403

# "Dienstag, 1. Dezember 2026"
LONG_DATE_FORMAT = "l, j. F Y"
