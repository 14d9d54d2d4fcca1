"""API tokens: shown once when created; only the SHA-256 of the key is stored.

`TokenAuth` is the API's authentication: a valid bearer token of an active user, and, when the
operation names a permission, that permission from the matrix in `roles.py`.
"""

import datetime
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from .models import ApiToken, User
from .roles import Perm

# Writing last_used_at on every request would turn every read into a write; a token's last use
# is only needed to the nearest few minutes (to spot tokens nobody uses any more).
LAST_USED_RESOLUTION = datetime.timedelta(minutes=5)


@transaction.atomic
def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Create a token for `user`; returns it with the key, which exists nowhere else afterwards."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=ApiToken.hash_key(key), prefix=key[:8]
    )
    return token, key


def api_token_user(*, key: str) -> User | None:
    """The active user whose token `key` is, or None; notes when the token was last used."""
    if not key:
        return None
    try:
        # The department comes along because permission checks ask whether the user heads it.
        token = ApiToken.objects.select_related("user__department").get(
            key_hash=ApiToken.hash_key(key)
        )
    except ApiToken.DoesNotExist:
        return None
    if not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <key>`; answers 401 without a valid key, 403 without `perm`."""

    def __init__(self, perm: Perm | None = None) -> None:
        super().__init__()
        self.perm = perm

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_user(key=token)
        if user is None:
            return None
        if self.perm is not None and not user.has_treue_perm(self.perm):
            raise PermissionDenied(f"This needs the permission {self.perm.value!r}.")
        request.user = user
        return user


def api_user(request: HttpRequest) -> User:
    """The user whose token authenticated this API request."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise TypeError("api_user() needs a request authenticated by TokenAuth")
    return user


def can(perm: Perm) -> TokenAuth:
    """The `auth=` of an API operation that needs `perm`: `@router.get("", auth=can(Perm.X))`."""
    return TokenAuth(perm)
