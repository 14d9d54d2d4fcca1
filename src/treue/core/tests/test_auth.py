import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from treue.core.models import Department
from treue.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_session_user_comes_with_the_department_in_one_query(client: Client) -> None:
    sales = Department.objects.create(code="sales", name="Vertrieb")
    user = UserFactory(username="rep", role="sales", department=sales)
    sales.head = user
    sales.save()
    client.force_login(user)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/activities/")

    assert response.status_code == 200
    assert "Vertrieb" in response.content.decode()
    user_queries = [q["sql"] for q in queries.captured_queries if '"core_user"' in q["sql"]]
    department_queries = [
        q["sql"] for q in queries.captured_queries if 'FROM "core_department"' in q["sql"]
    ]
    assert len(user_queries) >= 1
    assert 'JOIN "core_department"' in user_queries[0]
    assert department_queries == []


def test_a_deactivated_user_is_logged_out_on_the_next_request(client: Client) -> None:
    user = UserFactory(username="leaver", role="sales")
    client.force_login(user)
    user.is_active = False
    user.save()

    response = client.get("/customers/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_login_switches_to_the_language_the_user_chose_last_time(client: Client) -> None:
    UserFactory(username="jane", role="sales", language="en", password="pw")

    client.post("/login/", {"username": "jane", "password": "pw"})
    body = client.get("/customers/").content.decode()
    translation.activate("de")

    assert client.cookies["django_language"].value == "en"
    assert "Customers" in body
    assert '<html lang="en">' in body


def test_switching_the_language_is_kept_on_the_account(client: Client) -> None:
    user = UserFactory(username="jan", role="sales", language="de")
    client.force_login(user)

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/customers/"})
    translation.activate("de")

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "en"


def test_an_unknown_language_changes_nothing_on_the_account(client: Client) -> None:
    user = UserFactory(username="jon", role="sales", language="de")
    client.force_login(user)

    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})

    user.refresh_from_db()
    assert user.language == "de"
