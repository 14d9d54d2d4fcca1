import signal
import subprocess
import sys
import threading
import time

import pytest
from django.core.management import CommandError, call_command

from treue.core.management.commands import bootstrap, serve
from treue.core.tests.factories import UserFactory

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


@pytest.fixture
def children(monkeypatch):
    """The child processes `serve` starts, recorded."""
    started: list[subprocess.Popen] = []

    class RecordingPopen(subprocess.Popen):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            started.append(self)

    monkeypatch.setattr(serve.subprocess, "Popen", RecordingPopen)
    return started


def test_serve_stops_the_web_server_when_the_worker_dies(monkeypatch, children):
    monkeypatch.setattr(serve, "gunicorn_command", lambda **kwargs: SLEEPER)
    monkeypatch.setattr(serve, "worker_command", lambda: [sys.executable, "-c", "exit(3)"])

    with pytest.raises(CommandError, match="the worker process exited with status 3"):
        call_command("serve", port=8123)

    web, worker = children
    assert web.returncode == -signal.SIGTERM
    assert worker.returncode == 3


def test_serve_stops_both_children_on_sigterm_and_restores_signal_handlers(
    monkeypatch, children, capsys
):
    monkeypatch.setattr(serve, "gunicorn_command", lambda **kwargs: SLEEPER)
    monkeypatch.setattr(serve, "worker_command", lambda: SLEEPER)
    handlers = {}
    real_signal = signal.signal

    def recording_signal(signum, handler):
        handlers[signum] = handler
        return real_signal(signum, handler)

    monkeypatch.setattr(serve.signal, "signal", recording_signal)
    sigint_before = signal.getsignal(signal.SIGINT)

    def terminate_when_started():
        deadline = time.monotonic() + 10
        while len(children) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        handlers[signal.SIGTERM](signal.SIGTERM, None)

    threading.Thread(target=terminate_when_started, daemon=True).start()
    call_command("serve", port=8123)

    assert [child.returncode for child in children] == [-signal.SIGTERM, -signal.SIGTERM]
    assert signal.getsignal(signal.SIGINT) is sigint_before
    output = capsys.readouterr().out
    assert "http://127.0.0.1:8123/" in output
    assert "treue stopped." in output


def test_gunicorn_serves_the_wsgi_app_on_loopback_with_two_to_four_workers():
    command = serve.gunicorn_command(host="127.0.0.1", port=8000, workers=2)

    assert command[1:4] == ["-m", "gunicorn", "treue.wsgi:application"]
    assert "--bind=127.0.0.1:8000" in command
    assert 2 <= serve.default_web_workers() <= 4


@pytest.fixture
def bootstrap_env(settings, tmp_path, monkeypatch):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.VAR_DIR = tmp_path
    settings.DEMO_MODE = True
    calls: list[str] = []
    real_call_command = bootstrap.call_command

    def recording_call_command(name, *args, **kwargs):
        calls.append(name)
        if name != "demo":
            real_call_command(name, *args, **kwargs)

    monkeypatch.setattr(bootstrap, "call_command", recording_call_command)
    monkeypatch.setattr(bootstrap, "get_commands", lambda: {"demo": "treue.demo"})
    monkeypatch.setattr(
        bootstrap, "demo_logins_function", lambda: lambda: [("anna", "sales", "pw-anna")]
    )
    return calls


@pytest.mark.django_db
def test_bootstrap_loads_the_demo_into_an_empty_database(bootstrap_env, capsys):
    call_command("bootstrap")

    assert bootstrap_env == ["migrate", "collectstatic", "demo"]
    assert "die Demo-Firma wird geladen" in capsys.readouterr().out


@pytest.mark.django_db
def test_bootstrap_never_loads_the_demo_twice_and_prints_the_logins(bootstrap_env, capsys):
    UserFactory(username="anna")

    call_command("bootstrap")

    assert bootstrap_env == ["migrate", "collectstatic"]
    assert "anna  sales         pw-anna" in capsys.readouterr().out


@pytest.mark.django_db
def test_bootstrap_goes_on_when_the_demo_refuses(bootstrap_env, monkeypatch, capsys):
    def refusing_call_command(name, *args, **kwargs):
        bootstrap_env.append(name)
        if name == "demo":
            raise CommandError("The database already holds customers or users")

    monkeypatch.setattr(bootstrap, "call_command", refusing_call_command)

    call_command("bootstrap")

    assert bootstrap_env == ["migrate", "collectstatic", "demo"]
    assert "nicht geladen: The database already holds" in capsys.readouterr().err


@pytest.mark.django_db
def test_bootstrap_loads_no_demo_outside_demo_mode(bootstrap_env, settings, capsys):
    settings.DEMO_MODE = False

    call_command("bootstrap")

    assert bootstrap_env == ["migrate", "collectstatic"]
    assert "pw-anna" not in capsys.readouterr().out


@pytest.mark.django_db
def test_bootstrap_without_the_demo_generator_starts_empty(bootstrap_env, monkeypatch, capsys):
    monkeypatch.setattr(bootstrap, "demo_logins_function", lambda: None)

    call_command("bootstrap")

    assert bootstrap_env == ["migrate", "collectstatic"]
    assert "Demo-Generator ist nicht installiert" in capsys.readouterr().err


@pytest.mark.django_db
def test_a_database_with_only_a_user_is_not_empty():
    assert bootstrap.database_is_empty() is True

    UserFactory()

    assert bootstrap.database_is_empty() is False


@pytest.mark.django_db
def test_bootstrap_collects_static_files_again_only_after_a_change(bootstrap_env, settings):
    settings.DEMO_MODE = False
    call_command("bootstrap")
    call_command("bootstrap")

    assert bootstrap_env == ["migrate", "collectstatic", "migrate"]

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    bootstrap_env.clear()
    call_command("bootstrap", "--no-demo")

    assert bootstrap_env == ["migrate", "collectstatic"]
