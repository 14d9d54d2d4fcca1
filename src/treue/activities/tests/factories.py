import factory
from django.utils import timezone

from treue.activities.models import Activity
from treue.core.tests.factories import UserFactory


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    title = factory.Sequence(lambda n: f"Follow-up {n}")
    owner = factory.SubFactory(UserFactory)
    department = factory.LazyAttribute(lambda a: a.owner.department)
    due_on = factory.LazyFunction(timezone.localdate)
    customer = None
