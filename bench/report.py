"""The Markdown report of a bench run (stdout and docs/benchmark.md)."""

import re
from collections.abc import Callable
from typing import Any

NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def markdown(run: dict[str, Any]) -> str:
    dbs: dict[str, Any] = run["databases"]
    lines = [
        "# Benchmark",
        "",
        "Written by `make bench` (`bench/run.py`); how it measures is at the end. Targets on a "
        f"2-core machine: build < {run['targets']['build_s'] // 60} min, every page p95 < "
        f"{run['targets']['p95_ms']} ms, query count independent of data size, list page and API "
        f"at least {run['targets']['ratio']:g}x the bare Django floor (docs: PERFORMANCE.md); "
        f"delay notices for {run['settings'].get('changes', 0):,} date changes < "
        f"{run['targets'].get('notices_s', '?')} s, tracking page p95 < "
        f"{run['targets'].get('tracking_p95_ms', '?')} ms.",
        "",
        *_context(run),
        "",
        "## Targets",
        "",
        *_targets(run),
        "",
        "## Demo company",
        "",
        *_build(run),
        "",
        "## Latency and SQL queries (in-process)",
        "",
        *_latency(run),
        "",
    ]
    lines += ["## Slowest SQL (one request per page)", "", *_slowest_sql(run), ""]
    if any("notices" in db for db in dbs.values()):
        lines += ["## Delay notices and letters", "", *_notices(run), ""]
    if any("throughput" in db for db in dbs.values()):
        lines += ["## Throughput (gunicorn, wrk on 127.0.0.1)", "", *_throughput(run), ""]
    lines += ["## How it is measured", "", *_method(run), ""]
    return "\n".join(lines)


def _context(run: dict[str, Any]) -> list[str]:
    m = run["machine"]
    cpu = f", {m['cpu']}" if m.get("cpu") else ""
    mem = f", {m['memory_gb']} GB RAM" if m.get("memory_gb") else ""
    servers = ", ".join(db["server"] for db in run["databases"].values())
    return [
        f"- date: {run['date']}",
        f"- machine: nproc {m['nproc']}{cpu}{mem}; {m['platform']}",
        f"- software: Python {m['python']}, Django {m.get('django', '?')}, {servers}",
        f"- data: {run['rows']:,} customers (`--rows`), `treue demo --years 3 --seed 1`",
        f"- run took {run['total_s'] / 60:.1f} min; 1-minute load average before and after: "
        + " and ".join(f"{x:.2f}" for x in run.get("load_average", []))
        + " (other work on the machine makes the numbers noisier; ratios measured in the same "
        "run hold up best)",
    ]


def _mark(ok: bool) -> str:
    return "✅" if ok else "❌"


def _minutes(seconds: float) -> str:
    return f"{int(seconds // 60)} min {seconds % 60:02.0f} s"


def _header(run: dict[str, Any], first: str) -> list[str]:
    names = [NAMES[db] for db in run["databases"]]
    return [f"| {first} | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]


Cell = Callable[[dict[str, Any]], str]


def _targets(run: dict[str, Any]) -> list[str]:
    """One row per target: its label and how one database's results fare. A new target is one
    more entry in the list."""
    t = run["targets"]
    dbs = run["databases"]
    pair_labels: list[str] = []
    for db in dbs.values():
        for pair in db.get("throughput", {}).get("pairs", []):
            if pair["label"] not in pair_labels:
                pair_labels.append(pair["label"])
    targets: list[tuple[str, Cell]] = [
        (f"build < {t['build_s'] // 60} min", lambda db: _build_cell(db, t)),
        (f"every page p95 < {t['p95_ms']} ms", lambda db: _p95_cell(db, t)),
        ("query count independent of data size", _queries_cell),
        *(
            (f"{label} ≥ {t['ratio']:g} × bare Django", _ratio_cell(label, t))
            for label in pair_labels
        ),
    ]
    if any("notices" in db for db in dbs.values()):
        changes = run["settings"].get("changes", 0)
        targets.append(
            (
                f"delay notices by e-mail for {changes:,} date changes < {t['notices_s']} s",
                lambda db: _notices_cell(db, t),
            )
        )
    if "tracking_p95_ms" in t:
        targets.append(
            (f"tracking page p95 < {t['tracking_p95_ms']} ms", lambda db: _tracking_cell(db, t))
        )
    if any(db["latency"].get("complaints") for db in dbs.values()):
        targets.append(
            (
                f"complaint queue and complaint page p95 < {t['p95_ms']} ms",
                lambda db: _complaint_pages_cell(db, t),
            )
        )
    if any(db.get("notices", {}).get("escalation") for db in dbs.values()):
        targets.append(
            (
                f"SLA escalation pass over all open complaints < {ESCALATION_S} s",
                _escalation_cell,
            )
        )
    if any(db.get("notices", {}).get("receivables") for db in dbs.values()):
        targets += [
            (f"dunning run preview < {DUNNING_PREVIEW_S} s", _dunning_cell),
            (
                f"import of {run['settings'].get('payments', 0):,} payment rows "
                f"< {PAYMENTS_IMPORT_S} s (PostgreSQL)",
                _payments_cell,
            ),
        ]
    if any(r.get("same") == "360-invoices" for db in dbs.values() for r in db["latency"]["rows"]):
        targets.append(
            (f"customer open-items partial p95 < {OPEN_ITEMS_P95_MS} ms", _open_items_cell)
        )
    if any(db["latency"].get("delivery_figures") for db in dbs.values()):
        targets += [
            (f"delivery scorecard p95 < {SCORECARD_P95_MS} ms", _scorecard_cell),
            ("delivery figures snapshot refresh (SQL, median of 3)", _refresh_cell),
        ]
    lines = _header(run, "target")
    for label, cell in targets:
        lines.append("| " + " | ".join([label, *(cell(db) for db in dbs.values())]) + " |")
    return lines


SCORECARD_P95_MS = 300  # measure.SCORECARD_P95_TARGET_MS
ESCALATION_S = 10
DUNNING_PREVIEW_S = 30
PAYMENTS_IMPORT_S = 120
OPEN_ITEMS_P95_MS = 150


def _dunning_cell(db: dict[str, Any]) -> str:
    d = db.get("notices", {}).get("receivables", {}).get("dunning") or {}
    if "seconds" not in d:
        return "n/a"
    actions = ", ".join(f"{n:,} {a}" for a, n in sorted(d["actions"].items()))
    return (
        f"{_mark(d['seconds'] < DUNNING_PREVIEW_S)} {d['seconds']:.1f} s over "
        f"{d['invoices']:,} invoices ({d['overdue']:,} overdue → {d['proposals']:,} customers: "
        f"{actions})"
    )


def _payments_cell(db: dict[str, Any]) -> str:
    p = db.get("notices", {}).get("receivables", {}).get("payments_import") or {}
    if "seconds" not in p:
        return "n/a"
    target = "PostgreSQL" in db.get("server", "")
    mark = _mark(p["seconds"] < PAYMENTS_IMPORT_S) if target else "(no target)"
    return f"{mark} {p['seconds']:.0f} s ({p['imported']:,} payments, {p['file_mb']:.0f} MB)"


def _open_items_cell(db: dict[str, Any]) -> str:
    rows = [r for r in db["latency"]["rows"] if r.get("same") == "360-invoices" and "p95_ms" in r]
    if not rows:
        return "n/a"
    worst = max(rows, key=lambda r: r["p95_ms"])
    mark = _mark(worst["p95_ms"] < OPEN_ITEMS_P95_MS)
    return f"{mark} {worst['p95_ms']:.0f} ms ({worst['label']})"


def _complaint_pages_cell(db: dict[str, Any], t: dict[str, Any]) -> str:
    rows = [
        r
        for r in db["latency"]["rows"]
        if r.get("same") in {"complaint-queue", "complaint-detail"} and "p95_ms" in r
    ]
    if not rows:
        return "n/a"
    worst = max(rows, key=lambda r: r["p95_ms"])
    return (
        f"{_mark(worst['p95_ms'] < t['p95_ms'])} slowest: {worst['p95_ms']:.0f} ms "
        f"({worst['label']}; {db['latency']['complaints']:,} complaints)"
    )


def _escalation_cell(db: dict[str, Any]) -> str:
    e = db.get("notices", {}).get("escalation") or {}
    if "seconds" not in e:
        return "n/a"
    return (
        f"{_mark(e['seconds'] < ESCALATION_S)} {e['seconds']:.1f} s ({e['open']:,} open of "
        f"{e['total']:,}; {e['warnings']:,} warnings, {e['breaches']:,} breaches raised)"
    )


def _scorecard_cell(db: dict[str, Any]) -> str:
    row = next((r for r in db["latency"]["rows"] if r.get("same") == "scorecard"), None)
    return f"{_mark(row['p95_ms'] < SCORECARD_P95_MS)} {row['p95_ms']:.0f} ms" if row else "n/a"


def _refresh_cell(db: dict[str, Any]) -> str:
    figures = db["latency"].get("delivery_figures") or {}
    return f"{figures['refresh_ms'] / 1000:.1f} s" if figures else "n/a"


def _build_cell(db: dict[str, Any], t: dict[str, Any]) -> str:
    build = db["build"]
    return f"{_mark(build['build_s'] < t['build_s'])} {_minutes(build['build_s'])}" + (
        " (reused)" if build.get("reused") else ""
    )


def _p95_cell(db: dict[str, Any], t: dict[str, Any]) -> str:
    measured = [r for r in db["latency"]["rows"] if "p95_ms" in r]
    worst = max(measured, key=lambda r: r["p95_ms"])
    return (
        f"{_mark(worst['p95_ms'] < t['p95_ms'])} slowest: {worst['p95_ms']:.0f} ms "
        f"({worst['label']})"
    )


def _queries_cell(db: dict[str, Any]) -> str:
    differ = _query_differences(db["latency"]["rows"])
    return _mark(not differ) + (" " + "; ".join(differ) if differ else " same counts")


def _ratio_cell(label: str, t: dict[str, Any]) -> Cell:
    def cell(db: dict[str, Any]) -> str:
        pairs = {p["label"]: p for p in db.get("throughput", {}).get("pairs", [])}
        pair = pairs.get(label)
        return f"{_mark(pair['ratio'] >= t['ratio'])} {pair['ratio']:.2f}" if pair else "n/a"

    return cell


def _notices_cell(db: dict[str, Any], t: dict[str, Any]) -> str:
    n = db.get("notices", {}).get("notices")
    if not n:
        return "n/a"
    complete = n["arrived"] == n["emails"] == n["emails_sent"] == n["arrived_distinct"]
    text = (
        f"{_mark(n['total_s'] < t['notices_s'] and complete)} {n['total_s']:.0f} s "
        f"(plan {n['plan_s']:.0f} s, send {n['send_s']:.0f} s; {n['arrived']:,} of "
        f"{n['emails']:,} e-mails arrived)"
    )
    return text


def _tracking_cell(db: dict[str, Any], t: dict[str, Any]) -> str:
    rows = [r for r in db["latency"]["rows"] if r.get("same") == "tracking" and "p95_ms" in r]
    if not rows:
        return "n/a"
    worst = max(rows, key=lambda r: r["p95_ms"])
    return (
        f"{_mark(worst['p95_ms'] < t['tracking_p95_ms'])} slowest: {worst['p95_ms']:.0f} ms "
        f"({worst['label'].removeprefix('tracking page, ')})"
    )


def _query_differences(rows: list[dict[str, Any]]) -> list[str]:
    """Pages whose query count changes with the size of what they show: rows that share a
    "same" key (first and last page of a list, a section of a large and a small customer)."""
    by_key: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if "queries" in row:
            by_key.setdefault(row["same"], []).append(row)
    differ = []
    for key, group in by_key.items():
        counts = [r["queries"] for r in group]
        if len(set(counts)) > 1:
            differ.append(f"{key}: " + " vs ".join(str(n) for n in counts) + " queries")
    return differ


def _build(run: dict[str, Any]) -> list[str]:
    dbs = run["databases"]
    rows = [
        ["customers", *(f"{db['counts'].get('customers', 0):,}" for db in dbs.values())],
        ["orders", *(f"{db['counts'].get('orders', 0):,}" for db in dbs.values())],
        ["order lines", *(f"{db['counts'].get('order_lines', 0):,}" for db in dbs.values())],
    ]
    build_row = ["build time (`treue migrate` + `treue demo`)"]
    for db in dbs.values():
        b = db["build"]
        text = f"{_minutes(b['build_s'])} (demo {b['demo_s']:.0f} s, "
        text += f"migrate {b['migrate_s']:.0f} s)"
        if b.get("vacuum_analyze_s") is not None:
            text += f", then VACUUM ANALYZE {b['vacuum_analyze_s']:.0f} s"
        if b.get("reused"):
            text += f", reused: built {b['built_at'][:16].replace('T', ' ')}"
        build_row.append(text)
    rows.append(build_row)
    return [*_header(run, ""), *("| " + " | ".join(row) + " |" for row in rows)]


def _latency(run: dict[str, Any]) -> list[str]:
    dbs = run["databases"]
    names = [NAMES[db] for db in dbs]
    head = "| page | URL | " + " | ".join(
        f"{n} p50 ms | {n} p95 ms | {n} queries | {n} SQL ms" for n in names
    )
    lines = [head + " |", "|---|---|" + "---:|---:|---:|---:|" * len(names)]
    first = next(iter(dbs.values()))["latency"]["rows"]
    for i, row in enumerate(first):
        cells = [row["label"], f"`{row['url']}`"]
        for db in dbs.values():
            other = db["latency"]["rows"][i] if i < len(db["latency"]["rows"]) else {}
            if "p50_ms" not in other:
                cells += ["n/a", "n/a", "n/a", "n/a"]
                continue
            p95 = f"{other['p95_ms']:.1f}"
            if other["p95_ms"] >= run["targets"]["p95_ms"]:
                p95 = f"**{p95}**"
            cells += [f"{other['p50_ms']:.1f}", p95, str(other["queries"])]
            cells.append(f"{other['sql_ms']:.1f}")
        lines.append("| " + " | ".join(cells) + " |")
    notes = {db["latency"].get("api_note") for db in dbs.values()} - {"", None}
    for note in sorted(notes):
        lines += ["", f"API rows n/a: {note}."]
    return lines


def _masked(sql: str) -> str:
    """No session keys or token hashes in a committed report, even of the bench's own user."""
    sql = re.sub(r"(session_key\"? = )'[^']*'", r"\1'…'", sql)
    return re.sub(r"'[0-9a-f]{64}'", "'…'", sql)


def _slowest_sql(run: dict[str, Any], count: int = 5) -> list[str]:
    """The slowest statements of the captured requests: where SQL time goes, per database."""
    lines = ["| database | ms | page | statement (shortened) |", "|---|---:|---|---|"]
    for key, db in run["databases"].items():
        seen: set[str] = set()
        found = []
        for row in db["latency"]["rows"]:
            for query in row.get("all_sql", []):
                found.append((query["ms"], row["label"], query["sql"]))
        for ms, label, sql in sorted(found, reverse=True):
            short = _masked(" ".join(sql.split()))
            if len(short) > 160:
                short = short[:120] + " … " + short[-37:]
            if short in seen:
                continue
            seen.add(short)
            short = short.replace("|", "\\|")
            lines.append(f"| {NAMES[key]} | {ms:.1f} | {label} | `{short}` |")
            if len(seen) == count:
                break
    return lines


def _notices(run: dict[str, Any]) -> list[str]:
    dbs = run["databases"]

    def each(text: Callable[[dict[str, Any], dict[str, Any]], str]) -> list[str]:
        cells = []
        for db in dbs.values():
            n = db.get("notices", {}).get("notices")
            cells.append(text(n, db["notices"]) if n else "n/a")
        return cells

    def letters(all_: dict[str, Any]) -> str:
        pdf = all_.get("letters") or {}
        if "per_second" not in pdf:
            return pdf.get("na", "n/a")
        return (
            f"**{pdf['per_second']:.1f} PDFs/s** ({pdf['count']} letters in "
            f"{pdf['seconds']:.1f} s, {pdf['mean_kb']:.0f} KB each)"
        )

    rows = [
        [
            "promised-date changes (`POST /api/v1/orders/promised-date-changes`, 1,000 a request)",
            *each(lambda n, _: f"{n['changes']:,} lines of {n['orders']:,} orders"),
        ],
        [
            "notices planned (channel policy)",
            *each(
                lambda n, _: (
                    f"{n['communications']:,} ("
                    + ", ".join(f"{c:,} {k}" for k, c in sorted(n["by_channel"].items()))
                    + ")"
                )
            ),
        ],
        [
            "plan: change, plan and render",
            *each(
                lambda n, _: (
                    f"{n['plan_s']:.1f} s ({n['plan_s'] / n['changes'] * 1000:.1f} ms "
                    f"and {n['queries_per_change']:.1f} queries per change)"
                )
            ),
        ],
        [
            "send: one sweep of `communication_deliver_due` to the local SMTP server",
            *each(
                lambda n, _: (
                    f"{n['send_s']:.1f} s ({n['send_s'] / max(1, n['emails']) * 1000:.1f}"
                    f" ms and {n['queries_per_mail']:.1f} queries per e-mail)"
                )
            ),
        ],
        ["total (plan + send)", *each(lambda n, _: f"**{n['total_s']:.1f} s**")],
        [
            "e-mails sent / arrived (distinct Message-IDs)",
            *each(
                lambda n, _: (
                    f"{n['emails_sent']:,} of {n['emails']:,} / {n['arrived']:,} "
                    f"({n['arrived_distinct']:,})"
                )
            ),
        ],
        [
            "letter PDFs per second (`letter_pdf`, WeasyPrint)",
            *(letters(db.get("notices", {})) for db in dbs.values()),
        ],
        [
            "copy of the bench database (not timed above)",
            *each(lambda _, all_: f"{all_.get('copy_s', 0):.0f} s"),
        ],
    ]
    return [*_header(run, ""), *("| " + " | ".join(row) + " |" for row in rows)]


def _throughput(run: dict[str, Any]) -> list[str]:
    dbs = {k: v for k, v in run["databases"].items() if "throughput" in v}
    names = [NAMES[db] for db in dbs]
    head = "| endpoint | bare Django floor | " + " | ".join(
        f"{n} req/s | {n} floor req/s | {n} ratio" for n in names
    )
    lines = [head + " |", "|---|---|" + "---:|---:|---:|" * len(names)]
    labels: list[tuple[str, str, str, str]] = []
    for db in dbs.values():
        for p in db["throughput"]["pairs"]:
            key = (p["label"], p["url"], p["baseline_label"], p["baseline_url"])
            if key not in labels:
                labels.append(key)
    goal = run["targets"]["ratio"]
    for label, url, base_label, base_url in labels:
        cells = [f"{label} `{url}`", f"{base_label} `{base_url}`"]
        for db in dbs.values():
            pair = next((p for p in db["throughput"]["pairs"] if p["label"] == label), None)
            if pair is None:
                cells += ["n/a", "n/a", "n/a"]
                continue
            ratio = f"{pair['ratio']:.2f}"
            if pair["ratio"] < goal:
                ratio = f"**{ratio}**"
            cells += [f"{pair['app_rps']:,.0f}", f"{pair['baseline_rps']:,.0f}", ratio]
        lines.append("| " + " | ".join(cells) + " |")
    for db in dbs.values():
        if db["throughput"].get("api_note"):
            lines += ["", f"API throughput n/a: {db['throughput']['api_note']}."]
            break
    return lines


def _method(run: dict[str, Any]) -> list[str]:
    s = run["settings"]
    return [
        "- **Data**: `treue demo --customers N --years 3 --seed 1 --force` into a database of "
        "its own in `var/bench/` (SQLite `bench-N.sqlite3`; PostgreSQL database `bench_N` in a "
        "cluster under `var/bench/pg`, default server settings, started for the run and stopped "
        "after). It is reused while it holds N customers and the demo generator and the list of "
        "migrations are unchanged; the build time shown is then the original one. On PostgreSQL "
        "the build is followed by `VACUUM ANALYZE` (what autovacuum does soon after a bulk load).",
        f"- **Latency**: Django's test client in one process, user `sales` logged in with a "
        f"session, the API with a bearer token of the same user (`treue.core.tokens`); each URL "
        f"5 warm-up requests, then {s['requests']} timed ones: p50/p95 (nearest rank) of the "
        "whole request through all middleware. Queries and their summed time (SQL ms) come from "
        "one more request under `CaptureQueriesContext` (SQL ms timed by an execute wrapper). "
        "The 360 page is measured for the customers with the most and the fewest orders among "
        "those whose sections all show rows (an empty section skips its row query), and lists "
        "on their first and last page, to show that the number of queries does not grow with "
        "the data. The customer's tracking page `/track/<number>/<token>/` is asked "
        "anonymously for the open orders with the most and with the fewest lines, "
        "with stage events recorded for the run through `order_stage_event_record` (three "
        "rounds through every stage for the large order, one event for the small one; deleted "
        "after the run); its rate limit (30 a minute per address) is checked on every request, "
        "each of which comes from an address of its own.",
        f"- **Delay notices**: on a copy of the bench database made for the purpose and thrown "
        f"away afterwards (SQLite: a file copy; PostgreSQL: `CREATE DATABASE … TEMPLATE`), so "
        f"that the bench database stays as built. {s.get('changes', 0):,} open, not fully "
        "delivered order lines promised for today or later, of customers whose every "
        "delay-notice recipient gets e-mail under the channel policy, in order number order, "
        "are postponed by 1-5 days as an ERP's replanning sends them: `POST /api/v1/orders/"
        "promised-date-changes` with a bearer token, 1,000 lines a request, each all or none "
        "(Django's test client, the whole request through all middleware); the changes are "
        "recorded and one notice per order and recipient planned and rendered. "
        "Then one sweep of `communication_deliver_due` with a `now` past the recipient rule's "
        "wait sends every e-mail over Django's SMTP backend to a mail server on 127.0.0.1 "
        "(`bench/smtp_sink.py`, aiosmtpd in a process of its own), which writes a line per "
        "accepted mail; those lines are the mails that arrived. Plan and send are timed on the "
        "wall clock, the queries counted with an execute wrapper.",
        "- **Complaints**: the demo company's complaints (2.5 a customer). The queue (open; all "
        "on its first and last page), the complaint with the longest and with the shortest "
        "timeline and the figures page are timed like the other pages, as the quality manager "
        "`quality` who works them (the figures are kept ten minutes, so after the warm-up "
        "their p95 is the cached page). The escalation pass is one run of "
        "`complaints_escalate` over every open complaint on the copy of the database, wall "
        "clock.",
        f"- **Letters**: delay notices planned the same way for customers whose recipients get "
        f"letters, then {s.get('letters', 0)} letters from the print queue (`letters_to_print`) "
        "rendered with `letter_pdf` (WeasyPrint, DIN 5008 layout) after 2 warm-up renders; "
        "PDFs per second on the wall clock.",
        f"- **Throughput**: gunicorn with {s['workers']} sync workers started with the command "
        f"`treue serve` uses, `wrk {s['wrk']}` on 127.0.0.1 after a 2 s warm-up, median of "
        f"{s['rounds']} runs, app and floor interleaved. The list page sends the session cookie, "
        "the API the bearer token. The floor is `bench/baseline.py`, a bare Django app over the "
        "same table with treue's connection settings but no middleware: for the list page a "
        "template table of 50 customers ordered by name with the total count (PERFORMANCE.md's "
        "'Django template table'), for the API the same 50 rows and the count through a "
        "django-ninja Schema with `limit`/`offset` ('django-ninja Schema + limit/offset'), the "
        "matching floor rows of PERFORMANCE.md.",
        "- **Run it**: `make bench` (both databases, 20,000 customers), `make bench DB=sqlite` "
        "or `DB=postgresql`, `ROWS=N` for another number of customers; `uv run python "
        "bench/run.py --help` lists the rest (`--rebuild`, `--rounds`, `--no-throughput`, …). "
        "Partial runs write to `bench/out/` only.",
    ]
