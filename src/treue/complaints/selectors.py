"""Reads of complaints."""

import secrets

from .models import Complaint


def complaint_for_satisfaction(*, number: str, token: str) -> Complaint | None:
    """The complaint if `token` is its satisfaction token; a wrong number or token look alike."""
    complaint = Complaint.objects.filter(number=number).first()
    expected = complaint.satisfaction_token if complaint else "-" * 22
    if not secrets.compare_digest(expected, token) or complaint is None:
        return None
    return complaint


def complaint_get(*, number: str) -> Complaint:
    return Complaint.objects.select_related(
        "customer", "contact", "order", "owner", "department", "policy"
    ).get(number=number)
