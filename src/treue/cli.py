"""The `treue` command: Django's management commands, with treue's own settings chosen.

`treue serve`, `treue worker`, `treue demo`, `treue api-token create USER`, `treue bench` …
Command names may be written with hyphens (`api-token`) or underscores.
"""

import os
import sys

SETTINGS_MODULES = {
    "demo": "treue.settings.local",
    "production": "treue.settings.production",
    "test": "treue.settings.test",
}


def settings_module() -> str:
    """The settings of TREUE_ENV; a misspelt value must not quietly start with demo secrets."""
    from django.core.exceptions import ImproperlyConfigured

    env = os.environ.get("TREUE_ENV", "demo")
    try:
        return SETTINGS_MODULES[env]
    except KeyError:
        raise ImproperlyConfigured(
            f"TREUE_ENV must be one of {', '.join(SETTINGS_MODULES)}, not {env!r}."
        ) from None


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module())
        execute_from_command_line(argv)
    except ImproperlyConfigured as exc:
        print(f"treue: configuration error: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
