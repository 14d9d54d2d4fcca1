"""`treue serve`: the web server (gunicorn) and one background worker, as two child processes.

Ctrl-C or SIGTERM stops both and exits 0; if either child dies on its own, the other is stopped too
and the command exits non-zero, so that a supervisor (systemd, a container runtime) restarts both.
"""

import os
import signal
import subprocess
import sys
import time
from argparse import ArgumentParser
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

STOP_TIMEOUT_SECONDS = 30.0
POLL_SECONDS = 0.2


def default_web_workers() -> int:
    return min(4, max(2, os.cpu_count() or 2))


def gunicorn_command(*, host: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "treue.wsgi:application",
        f"--bind={host}:{port}",
        f"--workers={workers}",
        "--timeout=60",
        f"--graceful-timeout={int(STOP_TIMEOUT_SECONDS) - 5}",
        "--error-logfile=-",
        # Not used by treue, and one fixed path per user would clash between two instances.
        "--no-control-socket",
    ]


def worker_command() -> list[str]:
    return [sys.executable, "-m", "treue.cli", "worker"]


class Command(BaseCommand):
    help = "Serve treue: gunicorn on 127.0.0.1:$TREUE_PORT and one background worker."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.TREUE_PORT)
        parser.add_argument("--workers", type=int, default=default_web_workers())

    def handle(self, *args: Any, **options: Any) -> None:
        if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
            self.stderr.write(
                "Static files are not collected; run `treue bootstrap` (or `make run`) first."
            )
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
        commands = {
            "web": gunicorn_command(
                host=options["host"], port=options["port"], workers=options["workers"]
            ),
            "worker": worker_command(),
        }
        stop_signal: list[int] = []

        def on_signal(signum: int, frame: FrameType | None) -> None:
            stop_signal.append(signum)

        previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        children: dict[str, subprocess.Popen[bytes]] = {}
        try:
            for name, command in commands.items():
                # A process group of their own: Ctrl-C reaches only us, and we stop them once.
                children[name] = subprocess.Popen(command, env=env, process_group=0)  # noqa: S603
            url = f"http://{options['host']}:{options['port']}/"
            self.stdout.write(self.style.SUCCESS(f"treue is running at {url}  (Ctrl-C stops it)"))
            self.stdout.flush()
            dead = self._wait_for_signal_or_death(children, stop_signal)
        finally:
            self._stop(children)
            for sig, handler in previous.items():
                signal.signal(sig, handler)

        if dead is not None:
            name, code = dead
            raise CommandError(f"the {name} process exited with status {code}; stopped treue")
        self.stdout.write("treue stopped.")

    def _wait_for_signal_or_death(
        self, children: dict[str, subprocess.Popen[bytes]], stop_signal: list[int]
    ) -> tuple[str, int] | None:
        while not stop_signal:
            for name, child in children.items():
                code = child.poll()
                if code is not None:
                    return name, code
            time.sleep(POLL_SECONDS)
        return None

    def _stop(self, children: dict[str, subprocess.Popen[bytes]]) -> None:
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for child in children.values():
            try:
                child.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
