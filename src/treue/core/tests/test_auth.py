import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

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
