"""The `treue` command: Django's management commands, with treue's own settings chosen.

`treue serve`, `treue worker`, `treue demo`, `treue api-token create USER`, `treue bench` …
Command names may be written with hyphens (`api-token`) or underscores.
"""

import os
import sys


def settings_module() -> str:
    env = os.environ.get("TREUE_ENV", "demo")
    return {"production": "treue.settings.production", "test": "treue.settings.test"}.get(
        env, "treue.settings.local"
    )


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module())
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(argv)
    except ImproperlyConfigured as exc:
        print(f"treue: configuration error: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
