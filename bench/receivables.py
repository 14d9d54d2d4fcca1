"""Receivables at scale, on the copy of the bench database that `run.py` throws away afterwards:

    python bench/receivables.py --out FILE [--payments 1000000]

1. dunning preview: `receivables.dunning.proposals()` — what a dunning run would do for every
   customer with overdue invoices of the demo company, with the reasons — wall time, median of
   three (the first warms the connection and the caches).
2. payments import: a CSV of `--payments` rows as a German accounting system exports them
   (Windows-1252, `;`, decimal commas, DD.MM.YYYY), random customers of the company, no invoices
   named (each settles the customer's oldest open items first; the rest stays unallocated), read
   by the real command `treue import payments FILE --progress` in a subprocess: wall time of the
   whole command, including parsing, checking and allocation; the progress bar's last line is
   kept to show it ran.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--payments", type=int, default=1_000_000)
    args = parser.parse_args()

    from treue.cli import settings_module

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module())
    import django

    django.setup()
    result = {"dunning": dunning_preview(), "payments_import": payments_import(args.payments)}
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


def dunning_preview() -> dict[str, Any]:
    from collections import Counter

    from django.utils import timezone

    from treue.receivables.dunning import proposals
    from treue.receivables.models import Invoice
    from treue.receivables.selectors import invoice_open_items

    today = timezone.localdate()
    times = []
    found: list[Any] = []
    for _ in range(3):
        began = time.perf_counter()
        found = proposals(today=today)
        times.append(time.perf_counter() - began)
    actions = Counter(p.action for p in found)
    result = {
        "seconds": round(statistics.median(times), 2),
        "first_s": round(times[0], 2),
        "invoices": Invoice.objects.count(),
        "overdue": invoice_open_items().filter(due_on__lt=today).count(),
        "proposals": len(found),
        "actions": dict(actions),
    }
    print(
        f"  dunning preview: {result['seconds']:.1f} s over {result['invoices']:,} invoices "
        f"({result['overdue']:,} overdue; {dict(actions)})",
        flush=True,
    )
    return result


def _treue() -> list[str]:
    """`treue` of the environment running this script (uv run puts it beside python)."""
    local = Path(sys.executable).parent / "treue"
    return [str(local)] if local.exists() else ["uv", "run", "treue"]


def payments_import(rows: int) -> dict[str, Any]:
    from django.db import connection

    from treue.customers.models import Customer
    from treue.receivables.models import Payment

    customers = list(Customer.objects.values_list("number", "currency"))
    rng = random.Random(20261202)
    day = "28.11.2026"
    before = Payment.objects.count()
    connection.close()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "zahlungen.csv"
        with path.open("w", encoding="cp1252", newline="") as out:
            out.write("Referenz;Kundennummer;Zahlungsdatum;Betrag;Währung;Kurs\r\n")
            for n in range(rows):
                number, currency = rng.choice(customers)
                cents = rng.randint(5_000, 2_500_000)
                rate = "1,0600" if currency != "EUR" else ""
                amount = f"{cents // 100},{cents % 100:02d}"
                out.write(f"BENCH-{n:07d};{number};{day};{amount};{currency};{rate}\r\n")
        size_mb = path.stat().st_size / 1e6
        began = time.perf_counter()
        done = subprocess.run(
            [*_treue(), "import", "payments", str(path), "--progress"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=os.environ.copy(),
        )
        seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"payments import failed:\n{done.stderr[-2000:]}")
    progress = [line for line in done.stderr.replace("\r", "\n").splitlines() if line.strip()]
    imported = Payment.objects.count() - before
    result = {
        "rows": rows,
        "seconds": round(seconds, 1),
        "file_mb": round(size_mb, 1),
        "imported": imported,
        "progress_last": progress[-1] if progress else "",
        "summary": done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "",
    }
    print(
        f"  payments import: {rows:,} rows in {seconds:.0f} s ({imported:,} new payments; "
        f"progress bar: {result['progress_last']!r})",
        flush=True,
    )
    return result


if __name__ == "__main__":
    main()
