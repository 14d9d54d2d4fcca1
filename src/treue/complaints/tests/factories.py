from treue.complaints.models import Complaint
from treue.complaints.services import complaint_transition
from treue.core.models import User

# The way from new to closed; the proposal needs its solution text.
TO_CLOSED = [
    "acknowledged",
    "analysis",
    "solution_proposed",
    "solution_agreed",
    "implemented",
    "closed",
]


def walk(
    complaint: Complaint, *, until: str, solution: str = "Gutschrift", by: User | None = None
) -> Complaint:
    """Move `complaint` step by step from new to `until`."""
    for to in TO_CLOSED[: TO_CLOSED.index(until) + 1]:
        data = {"solution": solution} if to == "solution_proposed" else None
        complaint = complaint_transition(complaint=complaint, to=to, by=by, data=data)
    return complaint
