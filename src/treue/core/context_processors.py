from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, object]:
    from .navigation import navigation_for

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_items": navigation_for(user, request.path)}
