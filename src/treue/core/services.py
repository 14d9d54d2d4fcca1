"""Writes on users and departments."""

import datetime

from django.conf import settings
from django.db import transaction

from .models import User


def user_assignee_on(*, user: User, day: datetime.date) -> User:
    """Whom work addressed to `user` reaches on `day`: the deputy while the user is absent.

    Follows a chain of deputies (an absent deputy passes on to their own deputy) and stops at
    a cycle or at the first present person; if everyone in the chain is absent, the user keeps it.
    """
    seen = {user.pk}
    current = user
    while current.is_absent_on(day) and current.deputy_id is not None:
        deputy = current.deputy
        if deputy is None or deputy.pk in seen or not deputy.is_active:
            break
        seen.add(deputy.pk)
        current = deputy
    return current if not current.is_absent_on(day) else user


@transaction.atomic
def user_absence_set(
    *,
    user: User,
    absent_from: datetime.date | None,
    absent_until: datetime.date | None,
    deputy: User | None,
) -> User:
    if absent_from and absent_until and absent_until < absent_from:
        raise ValueError("absence ends before it starts")
    if deputy is not None and deputy.pk == user.pk:
        raise ValueError("a user cannot be their own deputy")
    user.absent_from, user.absent_until, user.deputy = absent_from, absent_until, deputy
    user.save(update_fields=["absent_from", "absent_until", "deputy"])
    return user


def user_language_set(*, user: User, language: str) -> None:
    """Remember the interface language a user chose, for their next login on any device."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"not a language of treue: {language!r}")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
