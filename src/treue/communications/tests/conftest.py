import datetime

import pytest


@pytest.fixture
def delay_item() -> dict[str, object]:
    return {
        "key": "promised-date-change:1",
        "line_no": 10,
        "article_number": "M-100",
        "product": "Fräszentrum FZ 100",
        "quantity": "2",
        "old_date": "2024-04-02",
        "new_date": "2024-04-03",
        "days_later": 1,
        "reason": "Lieferung der Spindel verzögert",
    }


@pytest.fixture
def later() -> datetime.datetime:
    """A moment after every wait of a plan made now."""
    return datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(minutes=5)
