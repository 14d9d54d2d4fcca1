"""English pages of a German company: British day-month order, as the money beside them
(babel's en_GB), not the US month-first dates of Django's plain "en"."""

from django.conf.locale.en_GB.formats import *  # noqa: F403

# "Tuesday, 1 December 2026": the date above the overview.
LONG_DATE_FORMAT = "l, j F Y"
