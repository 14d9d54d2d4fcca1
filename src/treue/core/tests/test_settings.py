import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from treue.settings.base import database_from_url

PRODUCTION_ENV = {
    "TREUE_ENV": "production",
    "SECRET_KEY": "x" * 20 + "q7#Lk2!vR9zP0wT5mN8bC3dF6gH1jK4sA",
    "EMAIL_HOST": "mail.example.com",
    "DEFAULT_FROM_EMAIL": "treue@example.com",
    "ALLOWED_HOSTS": "treue.example.com",
    "TREUE_BASE_URL": "https://treue.example.com",
    "DATABASE_URL": "sqlite:///:memory:",
}


def _treue(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # Nothing of the test process leaks in (browser tests allow async-unsafe ORM calls).
    leaking = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in leaking}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "treue.cli", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://u:p@host/db", "must start with sqlite:/// or postgresql://"),
        ("postgresql://host:notaport/db", "not a valid database URL"),
        ("no url at all", "not a valid database URL"),
    ],
)
def test_invalid_database_url_is_refused_with_a_clear_message(url: str, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        database_from_url(url)


def test_postgresql_url_keeps_connections_open() -> None:
    config = database_from_url("postgresql://treue:secret@db.example.com:5433/treue")

    assert config["NAME"] == "treue"
    assert config["PORT"] == 5433
    assert config["CONN_MAX_AGE"] == 600
    assert config["CONN_HEALTH_CHECKS"] is True


def test_start_up_with_a_misspelt_treue_env_stops_instead_of_using_demo_settings() -> None:
    result = _treue("check", env={"TREUE_ENV": "prod"})

    assert result.returncode == 2
    assert "TREUE_ENV must be one of demo, production, test, not 'prod'." in result.stderr


def test_start_up_with_invalid_database_url_stops_with_message() -> None:
    result = _treue("check", env={"DATABASE_URL": "oracle://x/y"})

    assert result.returncode != 0
    assert "DATABASE_URL must start with sqlite:/// or postgresql://" in result.stderr


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}

    result = _treue("check", env=env)

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_mail_settings() -> None:
    env = {**PRODUCTION_ENV, "EMAIL_HOST": ""}

    result = _treue("check", env=env)

    assert result.returncode != 0
    assert "EMAIL_HOST must be set" in result.stderr


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = _treue("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_pages_send_a_strict_content_security_policy(client: Client) -> None:
    response = client.get("/login/")

    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp


@pytest.mark.parametrize(
    ("env", "backend"),
    [
        ({"EMAIL_HOST": ""}, "django.core.mail.backends.console.EmailBackend"),
        ({"EMAIL_HOST": "mail.example.com"}, "django.core.mail.backends.smtp.EmailBackend"),
    ],
)
def test_demo_sends_mail_by_smtp_once_a_mail_server_is_named(
    env: dict[str, str], backend: str
) -> None:
    result = _treue(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.EMAIL_BACKEND)",
        env={"TREUE_ENV": "demo", "DATABASE_URL": "sqlite:///:memory:", **env},
    )

    assert result.stdout.strip().splitlines()[-1] == backend
