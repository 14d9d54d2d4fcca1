import datetime
import zoneinfo
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from treue.orders.imports import ImportRefused, stage_events_import
from treue.orders.models import StageEvent

pytestmark = pytest.mark.django_db

GOOD = (
    "order,stage,occurred_at,external_id\n"
    "A-2024-0001,received,2024-03-01T08:00,MES-1\n"
    "A-2024-0001,manufacturing,2024-03-10 14:30,MES-2\n"
)


def test_a_file_is_imported_and_importing_it_again_changes_nothing(customer_world: dict) -> None:
    first = stage_events_import(data=GOOD.encode())
    again = stage_events_import(data=GOOD.encode())

    assert (first.created, first.unchanged) == (2, 0)
    assert (again.created, again.unchanged) == (0, 2)
    events = list(StageEvent.objects.order_by("occurred_at"))
    assert [e.stage.code for e in events] == ["received", "manufacturing"]
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    assert events[1].occurred_at == datetime.datetime(2024, 3, 10, 14, 30, tzinfo=berlin)
    assert {e.source for e in events} == {"import"}


def test_a_german_excel_export_in_windows_1252_with_semicolons_is_read(
    customer_world: dict,
) -> None:
    data = "Auftrag;Stufe;Zeitpunkt;Ereignis-ID\nA-2024-0001;assembly;12.03.2024 07:15;Montage-Ä1\n"

    result = stage_events_import(data=data.encode("cp1252"))

    assert result.created == 1
    assert StageEvent.objects.get().external_id == "Montage-Ä1"


def test_a_file_with_broken_rows_names_each_row_and_writes_nothing(customer_world: dict) -> None:
    data = (
        GOOD
        + "A-9999,assembly,2024-03-12 07:15,MES-3\n"
        + "A-2024-0001,painting,yesterday,\n"
        + "A-2024-0001,assembly\n"
        + "A-2024-0001,assembly,2024-03-12 07:15,MES-1\n"
    )

    with pytest.raises(ImportRefused) as refused:
        stage_events_import(data=data.encode())

    assert refused.value.errors == [
        "Zeile 4: kein Auftrag A-9999.",
        "Zeile 5: keine Fertigungsstufe painting; yesterday ist keine Zeitangabe wie "
        "2026-11-30 14:05; die Ereignis-ID fehlt.",
        "Zeile 6: 2 Felder statt 4.",
        "Zeile 7: die Ereignis-ID MES-1 steht auch in Zeile 2.",
    ]
    assert StageEvent.objects.count() == 0


def test_a_file_without_a_required_column_is_refused(customer_world: dict) -> None:
    with pytest.raises(ImportRefused) as refused:
        stage_events_import(data=b"order,stage,occurred_at\nA-2024-0001,received,2024-03-01\n")

    assert refused.value.errors == ["Zeile 1: die Spalte external_id fehlt."]


def test_the_command_reports_what_it_did_and_fails_on_a_broken_file(
    customer_world: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good, broken = tmp_path / "good.csv", tmp_path / "broken.csv"
    good.write_text(GOOD)
    broken.write_text(GOOD + "A-9999,received,2024-03-01 08:00,MES-9\n")

    call_command("import", "stage-events", str(good))
    with pytest.raises(CommandError, match="Nichts wurde importiert"):
        call_command("import", "stage-events", str(broken))

    out = capsys.readouterr()
    assert "2 Fertigungsmeldungen importiert, 0 bereits bekannt." in out.out
    assert "Zeile 4: kein Auftrag A-9999." in out.err
    assert StageEvent.objects.count() == 2
