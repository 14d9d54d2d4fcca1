import datetime

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from treue.core.sessions import SessionStore
from treue.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_saved_session_loads_its_data() -> None:
    saved = SessionStore()
    saved["cart"] = {"items": [1, 2]}
    saved.save()

    loaded = SessionStore(saved.session_key)

    assert loaded["cart"] == {"items": [1, 2]}
    assert loaded.session_key == saved.session_key


def test_an_expired_session_loads_empty_and_its_key_is_forgotten() -> None:
    saved = SessionStore()
    saved["user"] = "7"
    saved.save()
    Session.objects.filter(session_key=saved.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )

    loaded = SessionStore(saved.session_key)

    assert loaded.load() == {}
    assert loaded.session_key is None


def test_an_unknown_session_key_loads_empty() -> None:
    loaded = SessionStore("x" * 32)

    assert loaded.load() == {}
    assert loaded.session_key is None


def test_logging_out_ends_the_session_for_every_process(client: Client) -> None:
    client.force_login(UserFactory(username="rep", role="sales"))
    key = client.cookies["sessionid"].value
    assert SessionStore(key).get("_auth_user_id")

    client.post("/logout/")

    assert SessionStore(key).load() == {}
    assert client.get("/customers/").status_code == 302
