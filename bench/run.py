"""`make bench`: treue at the size of a large customer, beside a bare Django app on the same data.

    uv run python bench/run.py [--db sqlite|postgresql|both] [--rows N]

For each database it builds (or reuses) the demo company with N customers (`treue demo --customers
N --years 3 --seed 1`; N = 20,000 gives about 2 million order lines), then measures

1. latency (p50/p95) and SQL query count of the customer list, the customer 360 page with its
   sections, and `GET /api/v1/customers`, in-process with Django's test client (`measure.py`);
2. throughput (req/s) of the customer list page and the API under gunicorn (2 workers, the
   command `treue serve` runs) loaded by wrk on 127.0.0.1, beside a bare Django app serving the
   same table in the same run (`baseline.py`); the goal is at least half of the bare app;
3. delay notices for 10,000 promised-date changes, planned through the real services and sent to
   a mail server on 127.0.0.1 (`smtp_sink.py`), and letter PDFs per second (`notices.py`), on a
   copy of the bench database that is thrown away afterwards; on the same copy the dunning-run
   preview and an import of 1,000,000 payment rows (`receivables.py`).

It prints a Markdown table and writes it to docs/benchmark.md when both databases ran (otherwise
to bench/out/, as after any run). Bench databases live in var/bench/ and are reused while they hold
N customers and the demo generator has not changed: `bench-N.sqlite3`, and for PostgreSQL the
database `bench_N` in a cluster under var/bench/pg that is started for the run and stopped after.
"""

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import report
import servers

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
VAR = ROOT / "var" / "bench"
OUT = BENCH / "out"
DOC = ROOT / "docs" / "benchmark.md"
DEFAULT_ROWS = 20_000
DATABASES = ("sqlite", "postgresql")
BUILD_TARGET_S = 300
P95_TARGET_MS = 200
RATIO_GOAL = 0.5
NOTICES_TARGET_S = 60
TRACKING_P95_TARGET_MS = 100


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=[*DATABASES, "both"], default="both")
    parser.add_argument(
        "--rows",
        type=int,
        default=DEFAULT_ROWS,
        help=f"number of customers in the demo company (default {DEFAULT_ROWS:,}; "
        "about 100 order lines each)",
    )
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page (50)")
    parser.add_argument("--duration", type=float, default=10, help="seconds per wrk run (10)")
    parser.add_argument("--rounds", type=int, default=3, help="wrk runs per URL; median (3)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (16)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument(
        "--rebuild", action="store_true", help="build the demo company even if one can be reused"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse a bench database with N customers even if the demo generator changed",
    )
    parser.add_argument(
        "--no-throughput", action="store_true", help="latency and queries only (no gunicorn/wrk)"
    )
    parser.add_argument(
        "--changes", type=int, default=10_000, help="promised-date changes for the notices (10,000)"
    )
    parser.add_argument(
        "--payments", type=int, default=1_000_000, help="payment rows to import (1,000,000)"
    )
    parser.add_argument("--letters", type=int, default=100, help="letter PDFs rendered (100)")
    parser.add_argument(
        "--no-notices", action="store_true", help="skip the delay notices and letter PDFs"
    )
    parser.add_argument(
        "--doc",
        type=Path,
        default=None,
        help="write the Markdown here too (default: docs/benchmark.md when both databases ran)",
    )
    args = parser.parse_args()
    if args.rows < 100:
        parser.error("--rows must be at least 100")
    # SIGTERM (make interrupted, a CI timeout) unwinds like Ctrl-C, so every server is stopped.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))

    began = time.monotonic()
    load_before = os.getloadavg()[0]
    wrk_path = "" if args.no_throughput else servers.ensure_wrk()
    dbs = list(DATABASES) if args.db == "both" else [args.db]
    results: dict[str, Any] = {}
    for db in dbs:
        print(f"\n=== {db}, {args.rows:,} customers")
        try:
            if db == "sqlite":
                results[db] = bench_sqlite(args, wrk_path)
            else:
                results[db] = bench_postgresql(args, wrk_path)
        except subprocess.CalledProcessError as exc:
            command = " ".join([Path(exc.cmd[0]).name, *exc.cmd[1:]])
            sys.exit(f"bench: `{command}` failed with status {exc.returncode} (output above)")
        except RuntimeError as exc:
            sys.exit(f"bench: {exc}")

    run = {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine(),
        "rows": args.rows,
        "settings": {
            "requests": args.requests,
            "wrk": f"-t{args.threads} -c{args.connections} -d{args.duration:g}s",
            "rounds": args.rounds,
            "workers": args.workers,
            "changes": args.changes,
            "letters": args.letters,
            "payments": args.payments,
        },
        "targets": {
            "build_s": BUILD_TARGET_S,
            "p95_ms": P95_TARGET_MS,
            "ratio": RATIO_GOAL,
            "notices_s": NOTICES_TARGET_S,
            "tracking_p95_ms": TRACKING_P95_TARGET_MS,
        },
        "databases": results,
        "total_s": time.monotonic() - began,
        # Anything else running on the machine shows up here and in the spread of the numbers.
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }
    markdown = report.markdown(run)
    print("\n" + markdown)
    OUT.mkdir(exist_ok=True)
    stem = f"bench-{'-'.join(dbs)}-{args.rows}"
    (OUT / f"{stem}.md").write_text(markdown, encoding="utf-8")
    (OUT / f"{stem}.json").write_text(json.dumps(run, indent=2) + "\n", encoding="utf-8")
    doc = args.doc or (DOC if args.db == "both" else None)
    if doc:
        doc.write_text(markdown, encoding="utf-8")
        print(f"written to {doc.relative_to(ROOT) if doc.is_relative_to(ROOT) else doc}")
    print(f"bench: done in {run['total_s'] / 60:.1f} min; details in {OUT / stem}.json")


# -------------------------------------------------------------------------------- environment


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
        info["memory_gb"] = round(mem_kb / 1024 / 1024)
    except (OSError, ValueError, IndexError):
        pass
    try:
        import django

        info["django"] = django.get_version()
    except ImportError:
        pass
    return info


def treue_command() -> list[str]:
    """`treue` of the environment running this script (uv run puts it beside python)."""
    local = Path(sys.executable).parent / "treue"
    return [str(local)] if local.exists() else ["uv", "run", "treue"]


def app_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG"}}
    env.update(
        DATABASE_URL=database_url,
        TREUE_ENV="demo",
        # The bench's own var dir: collected static files there, the developer's var/ untouched.
        TREUE_VAR_DIR=str(VAR),
        # testserver: Django's test client in measure.py
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def treue(env: dict[str, str], *args: str, quiet: bool = False) -> None:
    out = subprocess.DEVNULL if quiet else None
    subprocess.run([*treue_command(), *args], env=env, check=True, stdout=out, cwd=ROOT)


def demo_fingerprint() -> str:
    """What the demo data depends on: the generator's sources and the list of migrations."""
    digest = hashlib.sha256()
    src = ROOT / "src" / "treue"
    files = [*sorted((src / "demo").glob("*.py")), src / "core" / "bulk.py"]
    for path in files:
        if path.exists():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for path in sorted(src.glob("*/migrations/0*.py")):
        digest.update(str(path.relative_to(src)).encode() + b"\0")
    return digest.hexdigest()[:16]


# -------------------------------------------------------------------------------------- build


def reusable(meta_path: Path, args: argparse.Namespace, counts: dict[str, int] | None) -> str:
    """Why the bench database cannot be reused, or "" if it can."""
    if args.rebuild:
        return "--rebuild"
    if not meta_path.exists():
        return "no complete build recorded"
    if counts is None:
        return "database missing"
    meta = json.loads(meta_path.read_text())
    if counts["customers"] != args.rows or meta.get("customers") != args.rows:
        return f"holds {counts['customers']:,} customers, not {args.rows:,}"
    if not args.reuse and meta.get("fingerprint") != demo_fingerprint():
        return "the demo generator or the migrations changed since it was built (--reuse skips)"
    return ""


def build(env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    """Migrate and build the demo company; the time is that of both together."""
    began = time.monotonic()
    treue(env, "migrate", "--noinput", "-v", "0")
    migrated = time.monotonic()
    treue(env, "demo", "--customers", str(args.rows), "--years", "3", "--seed", "1", "--force")
    done = time.monotonic()
    return {
        "customers": args.rows,
        "migrate_s": round(migrated - began, 1),
        "demo_s": round(done - migrated, 1),
        "build_s": round(done - began, 1),
        "built_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "fingerprint": demo_fingerprint(),
    }


def sqlite_counts(path: Path) -> dict[str, int] | None:
    if not path.exists():
        return None
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            customers = db.execute("SELECT count(*) FROM customers_customer").fetchone()[0]
            lines = db.execute("SELECT count(*) FROM orders_orderline").fetchone()[0]
            orders = db.execute("SELECT count(*) FROM orders_order").fetchone()[0]
    except sqlite3.Error:
        return None
    return {"customers": customers, "orders": orders, "order_lines": lines}


def postgres_counts(url: str) -> dict[str, int] | None:
    import psycopg
    from psycopg import sql

    counts: dict[str, int] = {}
    tables = {
        "customers": "customers_customer",
        "orders": "orders_order",
        "order_lines": "orders_orderline",
    }
    try:
        with psycopg.connect(url) as db:
            for key, table in tables.items():
                query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
                row = db.execute(query).fetchone()
                counts[key] = row[0] if row else 0
    except psycopg.Error:
        return None
    return counts


def prepare(
    label: str, meta_path: Path, env: dict[str, str], args: argparse.Namespace, why: str
) -> dict[str, Any]:
    """Build (if there is a reason `why`) or reuse; returns the build record."""
    if why:
        print(f"  building {label} ({why}); takes minutes at 20,000 customers")
        meta_path.unlink(missing_ok=True)
        return {**build(env, args), "reused": False}
    meta = json.loads(meta_path.read_text())
    print(f"  reusing {label}, built {meta['built_at']} in {meta['build_s']:.0f} s")
    treue(env, "migrate", "--noinput", "-v", "0")  # a migration added since is applied
    return {**meta, "reused": True}


def bench_sqlite(args: argparse.Namespace, wrk_path: str) -> dict[str, Any]:
    VAR.mkdir(parents=True, exist_ok=True)
    path = VAR / f"bench-{args.rows}.sqlite3"
    meta_path = VAR / f"bench-{args.rows}.json"
    env = app_env(f"sqlite:///{path}")

    def counts() -> dict[str, int] | None:
        return sqlite_counts(path)

    why = reusable(meta_path, args, counts())
    if why:
        for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            stale.unlink(missing_ok=True)
    record = prepare(f"SQLite {path.relative_to(ROOT)}", meta_path, env, args, why)
    if not record["reused"]:
        meta_path.write_text(json.dumps(record, indent=2) + "\n")
    import sqlite3 as version_source

    @contextmanager
    def scratch() -> Iterator[str]:
        """A copy of the bench database for work that writes, removed afterwards."""
        copy = VAR / f"bench-{args.rows}-scratch.sqlite3"
        _remove_sqlite(copy)
        try:
            # Nothing else has the database open now: after a checkpoint the file is complete.
            source = sqlite3.connect(path)
            try:
                source.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                source.close()
            shutil.copyfile(path, copy)
            yield f"sqlite:///{copy}"
        finally:
            _remove_sqlite(copy)

    return measure_all(
        env,
        args,
        wrk_path,
        build=record,
        counts=counts() or {},
        server=f"SQLite {version_source.sqlite_version}",
        scratch=scratch,
    )


def _remove_sqlite(path: Path) -> None:
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)


def bench_postgresql(args: argparse.Namespace, wrk_path: str) -> dict[str, Any]:
    import psycopg

    pg_root = VAR / "pg"
    name = f"bench_{args.rows}"
    meta_path = pg_root / f"bench-{args.rows}.json"
    with servers.PostgresCluster(pg_root) as cluster:
        print(f"  PostgreSQL {cluster.version()} on port {cluster.port} ({cluster.data})")
        url = cluster.url(name)
        env = app_env(url)

        def counts() -> dict[str, int] | None:
            return postgres_counts(url)

        why = reusable(meta_path, args, counts())
        if why:
            with psycopg.connect(cluster.url("postgres"), autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name}")
                admin.execute(f"CREATE DATABASE {name}")
        record = prepare(f"PostgreSQL database {name}", meta_path, env, args, why)
        if not record["reused"]:
            # What autovacuum does within a minute or so of a bulk load (statistics and the
            # visibility map), done now so that every run measures the same steady state.
            began = time.monotonic()
            with psycopg.connect(url, autocommit=True) as db:
                db.execute("VACUUM ANALYZE")
            record["vacuum_analyze_s"] = round(time.monotonic() - began, 1)
            meta_path.write_text(json.dumps(record, indent=2) + "\n")

        @contextmanager
        def scratch() -> Iterator[str]:
            """A copy of the bench database for work that writes, dropped afterwards; a file
            copy (no other session may be connected to the template meanwhile)."""
            copy = f"{name}_scratch"
            with psycopg.connect(cluster.url("postgres"), autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {copy}")
                admin.execute(f"CREATE DATABASE {copy} TEMPLATE {name} STRATEGY FILE_COPY")
            try:
                yield cluster.url(copy)
            finally:
                with psycopg.connect(cluster.url("postgres"), autocommit=True) as admin:
                    admin.execute(f"DROP DATABASE IF EXISTS {copy} WITH (FORCE)")

        return measure_all(
            env,
            args,
            wrk_path,
            build=record,
            counts=counts() or {},
            server=f"PostgreSQL {cluster.version()}",
            scratch=scratch,
        )


# ------------------------------------------------------------------------------------ measure


def measure_all(
    env: dict[str, str],
    args: argparse.Namespace,
    wrk_path: str,
    *,
    build: dict[str, Any],
    counts: dict[str, int],
    server: str,
    scratch: Callable[[], AbstractContextManager[str]],
) -> dict[str, Any]:
    treue(env, "collectstatic", "--noinput", "-v", "0")
    print("  latency and queries (in-process, Django test client)")
    OUT.mkdir(exist_ok=True)
    out = OUT / f"measure-{'pg' if 'postgres' in env['DATABASE_URL'] else 'sqlite'}.json"
    subprocess.run(
        [sys.executable, str(BENCH / "measure.py"), "--out", str(out), "--requests",
         str(args.requests)],
        env=env,
        check=True,
        cwd=ROOT,
    )  # fmt: skip
    latency = json.loads(out.read_text())
    result: dict[str, Any] = {
        "server": server,
        "build": build,
        "counts": counts,
        "latency": latency,
    }
    if not args.no_notices:
        result["notices"] = notices(env, args, scratch)
    if not args.no_throughput:
        result["throughput"] = throughput(env, args, wrk_path, latency)
    return result


def notices(
    env: dict[str, str],
    args: argparse.Namespace,
    scratch: Callable[[], AbstractContextManager[str]],
) -> dict[str, Any]:
    """Delay notices to a local mail server and letter PDFs (`notices.py`), on a copy of the
    bench database: they write, and the next run must find the database as it was built."""
    tag = "pg" if "postgres" in env["DATABASE_URL"] else "sqlite"
    out = OUT / f"notices-{tag}.json"
    mailbox = OUT / f"mailbox-{tag}.txt"
    began = time.monotonic()
    with scratch() as url:
        copied = time.monotonic() - began
        print(f"  delay notices and letters, on a copy of the database (made in {copied:.0f} s)")
        port = servers.free_port()
        with servers.smtp_sink(port=port, out=mailbox, log=OUT / "smtp.log"):
            subprocess.run(
                [sys.executable, str(BENCH / "notices.py"), "--out", str(out),
                 "--mailbox", str(mailbox), "--changes", str(args.changes),
                 "--letters", str(args.letters)],
                env={
                    **env,
                    "DATABASE_URL": url,
                    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                    "EMAIL_HOST": servers.HOST,
                    "EMAIL_PORT": str(port),
                    "EMAIL_USE_TLS": "",
                },
                check=True,
                cwd=ROOT,
            )  # fmt: skip
        print("  receivables: dunning preview and payments import, on the same copy")
        receivables_out = OUT / f"receivables-{tag}.json"
        subprocess.run(
            [sys.executable, str(BENCH / "receivables.py"), "--out", str(receivables_out),
             "--payments", str(args.payments)],
            env={**env, "DATABASE_URL": url},
            check=True,
            cwd=ROOT,
        )  # fmt: skip
    result: dict[str, Any] = json.loads(out.read_text())
    result["copy_s"] = round(copied, 1)
    result["receivables"] = json.loads(receivables_out.read_text())
    return result


def throughput(
    env: dict[str, str], args: argparse.Namespace, wrk_path: str, latency: dict[str, Any]
) -> dict[str, Any]:
    """req/s of the list page and API under gunicorn, each beside its bare-Django floor."""
    try:
        from treue.core.management.commands.serve import gunicorn_command
    except ImportError:

        def gunicorn_command(*, host: str, port: int, workers: int) -> list[str]:
            return [sys.executable, "-m", "gunicorn", "treue.wsgi:application",
                    f"--bind={host}:{port}", f"--workers={workers}"]  # fmt: skip

    app_port, base_port = servers.free_port(), servers.free_port()
    app_cmd = gunicorn_command(host=servers.HOST, port=app_port, workers=args.workers)
    base_cmd = gunicorn_command(host=servers.HOST, port=base_port, workers=args.workers)
    # The same server settings as `treue serve`, with the bare app instead of treue's.
    base_cmd = [
        "baseline:application" if part == "treue.wsgi:application" else part for part in base_cmd
    ]
    base_cmd += [f"--pythonpath={BENCH}"]
    base_env = {**env, "DJANGO_SETTINGS_MODULE": "baseline"}
    cookie = {"Cookie": latency["session_cookie"]}
    pairs = [
        ("list page", "/customers/", cookie, "template table", "/table/"),
    ]
    if latency.get("api_token"):
        bearer = {"Authorization": f"Bearer {latency['api_token']}"}
        pairs.append(("API customers", "/api/v1/customers", bearer, "django-ninja", "/ninja/"))
    logs = OUT / "gunicorn.log"
    results: dict[str, Any] = {"pairs": [], "api_note": latency.get("api_note", "")}
    print(
        f"  throughput: gunicorn -w {args.workers}, wrk -t{args.threads} -c{args.connections} "
        f"-d{args.duration:g}s, {args.rounds} rounds"
    )
    with (
        servers.gunicorn(app_cmd, env=env, port=app_port, log=logs, probe="/login/"),
        servers.gunicorn(base_cmd, env=base_env, port=base_port, log=logs, probe="/values/"),
    ):
        for label, path, headers, base_label, base_path in pairs:
            check(app_port, path, headers)
            check(base_port, base_path, {})
            runs: dict[str, list[servers.WrkResult]] = {"app": [], "base": []}
            for port, p, h in ((app_port, path, headers), (base_port, base_path, {})):
                load(wrk_path, args, port, p, h, seconds=2)  # warm-up: every worker, every cache
            for _ in range(args.rounds):
                # Interleaved, so that drift of the machine hits both alike.
                runs["base"].append(load(wrk_path, args, base_port, base_path, {}))
                runs["app"].append(load(wrk_path, args, app_port, path, headers))
                print(
                    f"    {label}: {runs['app'][-1].requests_per_second:8.1f} req/s   "
                    f"{base_label}: {runs['base'][-1].requests_per_second:8.1f} req/s"
                )
            app_rps = statistics.median(r.requests_per_second for r in runs["app"])
            base_rps = statistics.median(r.requests_per_second for r in runs["base"])
            results["pairs"].append(
                {
                    "label": label,
                    "url": path,
                    "baseline_label": base_label,
                    "baseline_url": base_path,
                    "app_rps": app_rps,
                    "baseline_rps": base_rps,
                    "ratio": app_rps / base_rps if base_rps else 0.0,
                    "app_runs": [r.__dict__ for r in runs["app"]],
                    "baseline_runs": [r.__dict__ for r in runs["base"]],
                }
            )
    return results


def check(port: int, path: str, headers: dict[str, str]) -> None:
    """wrk counts redirects as success: make sure the URL really answers 200 first."""
    status, body = servers.http_get(port, path, headers)
    if status != 200:
        raise SystemExit(f"bench: GET {path} through gunicorn answered {status}: {body[:300]!r}")


def load(
    wrk_path: str,
    args: argparse.Namespace,
    port: int,
    path: str,
    headers: dict[str, str],
    seconds: float | None = None,
) -> servers.WrkResult:
    result = servers.wrk(
        wrk_path,
        port=port,
        path=path,
        headers=headers,
        threads=args.threads,
        connections=args.connections,
        seconds=seconds or args.duration,
    )
    # gunicorn's sync workers close every connection; a few read errors while wrk reconnects
    # are harmless, failed requests are not.
    if result.non_2xx or result.socket_errors > result.requests / 100:
        raise SystemExit(
            f"bench: {path} had {result.non_2xx} non-2xx answers and {result.socket_errors} "
            "socket errors under load; see bench/out/gunicorn.log"
        )
    return result


if __name__ == "__main__":
    main()
