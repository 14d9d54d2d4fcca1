"""pytest: the same settings as local, with fast hashing and mail kept in memory."""

import os

from .local import *  # noqa: F403

# The browser tests' live server answers several requests at once (the customer 360 page loads
# its sections in parallel). An in-memory SQLite test database is one connection shared by every
# thread, which SQLite refuses under concurrent use ("table is locked"); `make test-browser` runs
# them on a file instead, where each thread has a connection of its own, as in production.
if os.environ.get("TREUE_TEST_DB_FILE"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TREUE_TEST_DB_FILE"]}  # noqa: F405

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DEMO_MODE = True
LANGUAGE_CODE = "de"
