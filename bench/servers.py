"""The processes a bench run starts and stops: a PostgreSQL cluster, gunicorn, wrk, and a mail
server for the delay notices.

Every process is started here in a process group of its own and stopped by the same object that
started it (context managers), also when the run is interrupted: `run.py` turns SIGTERM into
SystemExit, so the `finally` blocks run. Nothing here touches a process it did not start.
"""

import fcntl
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


# --------------------------------------------------------------------------------- PostgreSQL


def postgres_bindir() -> Path | None:
    """The server programs, found as scripts/with-postgres finds them."""
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        bindir = Path(out.stdout.strip())
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            return bindir
    # Debian keeps the server programs out of PATH; take the newest version installed.
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    for bindir in candidates:
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            return bindir
    return None


class PostgresCluster:
    """A cluster kept under `root` between runs (the 20k demo takes minutes to build).

    When run as root the cluster belongs to the user postgres (initdb refuses root), like in
    scripts/with-postgres. The server listens on a free port of 127.0.0.1 only and runs with
    PostgreSQL's default settings, durability included: the bench measures a stock server.
    A lock file keeps two bench runs from sharing the cluster.
    """

    def __init__(self, root: Path) -> None:
        bindir = postgres_bindir()
        if bindir is None:
            raise RuntimeError("PostgreSQL server programs not found (apt-get install postgresql)")
        self.bindir = bindir
        self.root = root
        self.data = root / "data"
        self.log = root / "server.log"
        self.port = 0
        self._started = False
        self._lock: int | None = None
        self.as_owner: list[str] = []
        if os.geteuid() == 0:
            self.as_owner = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        # The owner may not be allowed into the caller's directory: run from the cluster's.
        return subprocess.run(
            [*self.as_owner, *args], cwd=self.root, capture_output=True, text=True, check=check
        )

    def version(self) -> str:
        out = subprocess.run(
            [str(self.bindir / "postgres"), "--version"], capture_output=True, text=True, check=True
        )
        match = re.search(r"\d+(\.\d+)+", out.stdout)
        return match.group(0) if match else out.stdout.strip()

    def _init(self) -> None:
        major = self.bindir.parent.name
        pg_version = self.data / "PG_VERSION"
        if pg_version.exists() and pg_version.read_text().strip() != major:
            print(f"  bench cluster is from PostgreSQL {pg_version.read_text().strip()}; new one")
            shutil.rmtree(self.data)
            for meta in self.root.glob("bench-*.json"):
                meta.unlink()
        if pg_version.exists():
            return
        if self.data.exists():
            shutil.rmtree(self.data)
        print(f"  initdb {self.data}")
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
        )

    def __enter__(self) -> "PostgresCluster":
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock = os.open(self.root / "bench.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RuntimeError(f"another bench run is using the cluster in {self.root}") from None
        if self.as_owner:
            shutil.chown(self.root, user="postgres")
        self._init()
        status = self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "status", check=False)
        if status.returncode == 0:
            # Left over by a bench run that was killed before it could stop it: not ours to stop.
            raise RuntimeError(
                f"a PostgreSQL server is already running on {self.data} (left over by a killed "
                f"bench run?); stop it with: "
                f"{' '.join(self.as_owner)} {self.bindir}/pg_ctl -D {self.data} stop"
            )
        for attempt in range(3):
            self.port = free_port()
            options = (
                f"-c port={self.port} -c listen_addresses={HOST} "
                f"-c unix_socket_directories={self.root}"
            )
            started = self._run(
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.log),
                "-w",
                "-t",
                "120",
                "-o",
                options,
                "start",
                check=False,
            )
            if started.returncode == 0:
                self._started = True
                break
            if attempt == 2:
                raise RuntimeError(f"PostgreSQL did not start; see {self.log}")
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self._started:
            self._started = False
            self._run(
                str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop",
                check=False,
            )  # fmt: skip
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    def url(self, database: str) -> str:
        return f"postgresql://postgres@{HOST}:{self.port}/{database}"


# ----------------------------------------------------------------------------------- gunicorn


@contextmanager
def gunicorn(
    command: list[str], *, env: dict[str, str], port: int, log: Path, probe: str = "/"
) -> Iterator[None]:
    """Run a gunicorn master (and its workers) until the block ends."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as log_file:
        proc = subprocess.Popen(
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=log_file,
            process_group=0,
        )
        try:
            _wait_until_listening(proc, port, probe, log)
            yield
        finally:
            _stop(proc)


def _wait_until_listening(proc: subprocess.Popen[bytes], port: int, probe: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {proc.returncode}; see {log}")
        try:
            status, _body = http_get(port, probe, {})
        except OSError:
            time.sleep(0.2)
            continue
        if status < 500:
            return
        raise RuntimeError(f"gunicorn answers {probe} with {status}; see {log}")
    raise RuntimeError(f"gunicorn did not answer on port {port} within 60 s; see {log}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # gunicorn stops its workers gracefully
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            # The group is the one this process was started in: its own workers only.
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def http_get(port: int, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    """One request without following redirects (a redirect to the login page is a failure)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


# -------------------------------------------------------------------------------- mail server


@contextmanager
def smtp_sink(*, port: int, out: Path, log: Path) -> Iterator[None]:
    """Run `smtp_sink.py` on 127.0.0.1:`port` until the block ends; it writes a line per mail
    to `out`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    script = Path(__file__).resolve().parent / "smtp_sink.py"
    with log.open("ab") as log_file:
        proc = subprocess.Popen(
            [sys.executable, str(script), "--port", str(port), "--out", str(out)],
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=log_file,
            process_group=0,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"the mail server exited with {proc.returncode}; see {log}")
                try:
                    with socket.create_connection((HOST, port), timeout=1) as probe:
                        if probe.recv(3) == b"220":
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the mail server did not answer on port {port}; see {log}")
                time.sleep(0.1)
            yield
        finally:
            _stop(proc)


# ---------------------------------------------------------------------------------------- wrk


def ensure_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk:
        return wrk
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("  wrk is missing: apt-get install wrk")
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "wrk"],
            check=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        wrk = shutil.which("wrk")
        if wrk:
            return wrk
    sys.exit("bench: the load generator wrk is missing; install it (Debian: apt-get install wrk)")


@dataclass(frozen=True)
class WrkResult:
    requests_per_second: float
    requests: int
    non_2xx: int
    socket_errors: int
    p50_ms: float | None
    p99_ms: float | None


_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNIT_MS[match.group(2)]


def wrk(
    wrk_path: str,
    *,
    port: int,
    path: str,
    headers: dict[str, str],
    threads: int,
    connections: int,
    seconds: float,
) -> WrkResult:
    command = [
        wrk_path,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds:g}s",
        "--latency",
        "--timeout",
        "30s",
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://{HOST}:{port}{path}")
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = re.search(r"Requests/sec:\s*([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    if not rps or not total:
        raise RuntimeError(f"cannot read wrk's output:\n{out}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out)
    errors = re.search(r"Socket errors:\s*(.*)", out)
    socket_errors = sum(int(n) for n in re.findall(r"\d+", errors.group(1))) if errors else 0
    p50 = re.search(r"^\s*50%\s+(\S+)", out, re.MULTILINE)
    p99 = re.search(r"^\s*99%\s+(\S+)", out, re.MULTILINE)
    return WrkResult(
        requests_per_second=float(rps.group(1)),
        requests=int(total.group(1)),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=socket_errors,
        p50_ms=_ms(p50.group(1)) if p50 else None,
        p99_ms=_ms(p99.group(1)) if p99 else None,
    )
