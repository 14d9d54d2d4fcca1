from functools import cached_property
from typing import Any

from django.core import paginator


class Paginator(paginator.Paginator):
    """Django's paginator, told the total when the caller already knows it (from a cache)."""

    def __init__(self, object_list: Any, per_page: int, *, count: int | None = None) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        if self._known_count is not None:
            return self._known_count
        return super().count
