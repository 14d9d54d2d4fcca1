"""`make run`: the demo company on the embedded database, mail to the console."""

import os

from .base import *  # noqa: F403
from .base import SECRET_KEY, TREUE_ENV

if not SECRET_KEY:
    # Demo and development only: production.py refuses to start without a real key.
    SECRET_KEY = "treue-demo-" + "not-secret-" * 4
DEBUG = os.environ.get("DEBUG", "") in {"1", "true", "True"}
# Mail goes to the console unless an SMTP server is named (EMAIL_HOST) or another backend chosen.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
DEMO_MODE = TREUE_ENV == "demo"
