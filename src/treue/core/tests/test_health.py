import datetime
import json

import pytest
from django.db import DatabaseError
from django.db.models.query import QuerySet
from django.test import RequestFactory
from django.utils import timezone

from treue.core.health import healthz
from treue.core.management.commands.worker import worker_tick
from treue.core.models import WorkerHeartbeat


def get_health() -> tuple[int, dict]:
    response = healthz(RequestFactory().get("/healthz"))
    return response.status_code, json.loads(response.content)


@pytest.mark.django_db
def test_healthy_with_a_fresh_worker_heartbeat():
    seen = timezone.now() - datetime.timedelta(seconds=20)
    WorkerHeartbeat.objects.create(worker_id="host-1", last_seen=seen)

    status, body = get_health()

    assert status == 200
    assert body == {
        "status": "ok",
        "database": {"ok": True, "vendor": body["database"]["vendor"]},
        "worker": {"ok": True, "last_seen": seen.isoformat()},
    }
    assert body["database"]["vendor"] in {"sqlite", "postgresql"}


@pytest.mark.django_db
def test_the_freshest_of_several_workers_counts():
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="old", last_seen=now - datetime.timedelta(hours=2))
    WorkerHeartbeat.objects.create(worker_id="new", last_seen=now - datetime.timedelta(seconds=5))

    assert get_health()[0] == 200


@pytest.mark.django_db
def test_degraded_when_the_worker_is_stale():
    seen = timezone.now() - datetime.timedelta(seconds=90)
    WorkerHeartbeat.objects.create(worker_id="host-1", last_seen=seen)

    status, body = get_health()

    assert status == 503
    assert body["status"] == "degraded"
    assert body["database"]["ok"] is True
    assert body["worker"] == {"ok": False, "last_seen": seen.isoformat()}


@pytest.mark.django_db
def test_degraded_when_no_worker_ever_ran():
    status, body = get_health()

    assert status == 503
    assert body["worker"] == {"ok": False, "last_seen": None}


@pytest.mark.django_db
def test_a_database_error_is_a_503_without_traceback(monkeypatch):
    def broken(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(QuerySet, "aggregate", broken)

    status, body = get_health()

    assert status == 503
    assert body["status"] == "degraded"
    assert body["database"]["ok"] is False
    assert body["worker"] == {"ok": False, "last_seen": None}


@pytest.mark.django_db
def test_healthz_needs_no_login_and_is_not_cached(client):
    WorkerHeartbeat.objects.create(worker_id="host-1", last_seen=timezone.now())

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_worker_tick_makes_the_instance_healthy(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

    worker_tick(worker_id="host-1")
    worker_tick(worker_id="host-1")

    assert WorkerHeartbeat.objects.get().worker_id == "host-1"
    assert get_health()[0] == 200


@pytest.mark.browser
def test_healthz_in_a_browser(browser_page):
    WorkerHeartbeat.objects.create(worker_id="host-1", last_seen=timezone.now())

    response = browser_page.goto("/healthz")

    assert response is not None
    assert response.status == 200
    assert json.loads(browser_page.inner_text("body"))["status"] == "ok"
