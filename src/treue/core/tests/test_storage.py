import json
from pathlib import Path
from unittest import mock

import pytest

from treue.core.storage import StaticFilesStorage


def storage_with_manifest(root: Path) -> StaticFilesStorage:
    manifest = {"version": "1.1", "paths": {"treue/treue.css": "treue/treue.0123abcd.css"}}
    (root / "staticfiles.json").write_text(json.dumps(manifest))
    return StaticFilesStorage(location=str(root), base_url="/static/")


def test_static_url_is_the_hashed_name_and_looked_up_only_once(tmp_path: Path) -> None:
    storage = storage_with_manifest(tmp_path)

    with mock.patch.object(storage, "stored_name", wraps=storage.stored_name) as stored_name:
        first = storage.url("treue/treue.css")
        second = storage.url("treue/treue.css")

    assert first == second == "/static/treue/treue.0123abcd.css"
    assert stored_name.call_count == 1


def test_a_name_missing_from_the_manifest_still_fails_every_time(tmp_path: Path) -> None:
    storage = storage_with_manifest(tmp_path)

    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("treue/missing.js")
