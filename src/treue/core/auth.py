"""The login backend: Django's own, loading the session's user together with the department.

Every page asks whether the user heads their department (permissions, the top bar), which would
otherwise cost a second query on each request. And every page loads the user: the query is
compiled once per database and process (building and compiling it through the ORM cost more
than the database needed to answer it, a tenth of the customer list page); the row is turned
into the user and the department by the ORM's own converters and `Model.from_db`, as the ORM
does.
"""

import weakref
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.sql.compiler import SQLCompiler

from .models import Department, User

# Any value: the compiled query takes the user's id as its one parameter.
_PLACEHOLDER_ID = 0


# Per connection: a compiler holds the connection it was made for, and each thread has its own.
_COMPILED: "weakref.WeakKeyDictionary[BaseDatabaseWrapper, tuple[SQLCompiler, str]]" = (
    weakref.WeakKeyDictionary()
)


def _compiled(using: str) -> tuple[SQLCompiler, str]:
    connection = connections[using]
    compiled = _COMPILED.get(connection)
    if compiled is None:
        query = User.objects.using(using).select_related("department").filter(pk=_PLACEHOLDER_ID)
        compiler = query.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        if list(params) != [_PLACEHOLDER_ID]:  # pragma: no cover - another Django's query
            raise RuntimeError("the user query takes other parameters than the id")
        compiled = _COMPILED[connection] = (compiler, sql)
    return compiled


def user_with_department(user_id: Any) -> User | None:
    """The user with this id and their department, or None."""
    using = router.db_for_read(User)
    compiler, sql = _compiled(using)
    with compiler.connection.cursor() as cursor:
        cursor.execute(sql, [User._meta.pk.to_python(user_id)])
        row = cursor.fetchone()
    if row is None:
        return None
    (values,) = compiler.results_iter(results=[[row]])
    user_fields = [f.attname for f in User._meta.concrete_fields]
    department_fields = [f.attname for f in Department._meta.concrete_fields]
    user = User.from_db(using, user_fields, values[: len(user_fields)])
    department_values = values[len(user_fields) : len(user_fields) + len(department_fields)]
    user.department = (
        Department.from_db(using, department_fields, department_values)
        if user.department_id is not None
        else None
    )
    return user


class UserWithDepartmentBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            user = user_with_department(user_id)
        except (TypeError, ValueError, ValidationError):  # not an id at all
            return None
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None
