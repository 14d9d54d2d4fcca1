import datetime
from decimal import Decimal

import factory

from treue.core.tests.factories import UserFactory
from treue.core.tokens import api_token_create
from treue.customers.models import Contact, Customer, PaymentTerms


def api_headers(role: str = "admin", *, username: str | None = None) -> dict[str, str]:
    """Request headers with a fresh API token of a user with `role`."""
    user = UserFactory(username=username or f"api-{role}", role=role)
    _, key = api_token_create(user=user)
    return {"Authorization": f"Bearer {key}"}


class PaymentTermsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaymentTerms
        django_get_or_create = ("code",)

    code = "30-net"
    net_days = 30


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    number = factory.Sequence(lambda n: f"K{10001 + n}")
    name = factory.Sequence(lambda n: f"Kunde {n} GmbH")
    country = "DE"
    industry = "mechanical_engineering"
    size_class = "medium"
    segment = "b"
    credit_limit = Decimal("50000.00")
    currency = "EUR"
    payment_terms = factory.SubFactory(PaymentTermsFactory)
    customer_since = datetime.date(2020, 1, 1)
    status = "active"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    first_name = "Eva"
    last_name = factory.Sequence(lambda n: f"Schmidt{n}")
    buying_role = "technical_buyer"
    preferred_channels = factory.LazyFunction(lambda: ["email"])
