"""The login backend: Django's own, loading the session's user together with the department.

Every page asks whether the user heads their department (permissions, the top bar), which would
otherwise cost a second query on each request.
"""

from typing import Any

from django.contrib.auth.backends import ModelBackend

from .models import User


class UserWithDepartmentBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            user = User.objects.select_related("department").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
