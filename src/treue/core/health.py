"""`GET /healthz` for load balancers and monitoring: is the database reachable, is a worker alive?

Public (see `LoginRequiredMiddleware`), answers in JSON and never with a traceback: a monitoring
probe must be able to tell "down" from "broken page".
"""

import datetime
import logging

from django.db import DatabaseError, connection
from django.db.models import Max
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from treue.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

# Workers write a heartbeat every 15 s; four missed beats mean the worker is gone or stuck.
WORKER_FRESH_FOR = datetime.timedelta(seconds=60)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    database_ok = True
    last_seen: datetime.datetime | None = None
    try:
        last_seen = WorkerHeartbeat.objects.aggregate(latest=Max("last_seen"))["latest"]
    except DatabaseError:
        logger.exception("Health check: database unavailable")
        database_ok = False
    worker_ok = last_seen is not None and timezone.now() - last_seen <= WORKER_FRESH_FOR
    healthy = database_ok and worker_ok
    return JsonResponse(
        {
            "status": "ok" if healthy else "degraded",
            "database": {"ok": database_ok, "vendor": connection.vendor},
            "worker": {
                "ok": worker_ok,
                "last_seen": last_seen.isoformat() if last_seen is not None else None,
            },
        },
        status=200 if healthy else 503,
    )
