"""/api/v1/communications: what treue planned or sent to customers."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from treue.core.roles import Perm
from treue.core.tokens import can
from treue.orders.selectors import order_get

from . import selectors
from .schemas import CommunicationFilters, CommunicationList

communications_router = Router(tags=["communications"])


@communications_router.get(
    "",
    response=CommunicationList,
    auth=can(Perm.ORDER_VIEW),
    summary="List communications, newest first (filter by order number)",
)
def communication_list(request: HttpRequest, filters: Query[CommunicationFilters]) -> Any:
    order = order_get(number=filters.order) if filters.order else None
    communications = selectors.communication_list(order=order)
    page = communications[filters.offset : filters.offset + filters.limit]
    return {"count": communications.count(), "items": list(page)}
