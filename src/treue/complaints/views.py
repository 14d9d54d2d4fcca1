from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from treue.core.errors import BusinessRuleError, form_add_service_errors
from treue.core.http import AuthedRequest
from treue.core.models import Department
from treue.core.pagination import Paginator
from treue.core.permissions import require_perm
from treue.core.ratelimit import keep_link_private, too_many_requests
from treue.core.roles import Perm
from treue.customers.models import Customer
from treue.orders.selectors import order_for_tracking

from . import selectors, services, sla
from .attachments import check_all, file_response
from .figures import complaint_figures
from .forms import (
    AttachmentForm,
    CommentForm,
    ComplaintForm,
    ComplaintWorkForm,
    CustomerComplaintForm,
    PauseForm,
    QueueFilterForm,
    SatisfactionForm,
    StatusReportForm,
    TransitionForm,
)
from .models import Complaint, ComplaintAttachment, ComplaintSource, ComplaintStatus

SATISFACTION_LIMIT_PER_MINUTE = 20
TRACKING_COMPLAINT_LIMIT_PER_MINUTE = 5


@require_perm(Perm.COMPLAINT_VIEW)
def complaint_queue(request: AuthedRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    filters = form.filters()
    complaints = selectors.complaint_queue(user=request.user, **filters)
    page = Paginator(complaints, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.complaint_queue_page(complaints=page.object_list)  # type: ignore[arg-type]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "view": filters["view"],
        "views": form.view_choices(),
        "query": query.urlencode(),
        "now": timezone.now(),
    }
    template = "complaints/queue.html"
    if request.htmx and request.htmx.target == "complaint-table":
        template += "#table"
    return render(request, template, context)


@require_perm(Perm.COMPLAINT_VIEW)
def complaint_scorecard(request: AuthedRequest) -> HttpResponse:
    """The complaint figures of the last 12 months, for the company or one department."""
    departments = list(Department.objects.order_by("name"))
    chosen = next((d for d in departments if str(d.pk) == request.GET.get("department", "")), None)
    figures = complaint_figures(department_id=chosen.pk if chosen else None)
    return render(
        request,
        "complaints/scorecard.html",
        {"figures": figures, "departments": departments, "department": chosen},
    )


@require_perm(Perm.COMPLAINT_VIEW)
def status_report(request: AuthedRequest) -> HttpResponse:
    """Every status change of every complaint: who, when, from, to; newest first."""
    form = StatusReportForm(request.GET or None)
    since = until = None
    if form.is_bound and form.is_valid():
        since, until = form.cleaned_data["since"], form.cleaned_data["until"]
    changes = selectors.status_changes(since=since, until=until)
    page = Paginator(changes, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "complaints/status_report.html",
        {"form": form, "page": page, "query": query.urlencode()},
        status=422 if form.is_bound and form.errors else 200,
    )


@require_perm(Perm.COMPLAINT_VIEW)
def complaint_new(request: AuthedRequest) -> HttpResponse:
    customer = Customer.objects.filter(number=request.GET.get("customer", "")).first()
    form = ComplaintForm(request.POST or None, customer=customer)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint = services.complaint_create(
                customer=data["customer"],
                contact=data["contact"],
                order=data["order"],
                delivery=data["delivery"],
                invoice=data["invoice"],
                product=data["product"],
                machine_serial=data["machine_serial"],
                category=data["category"],
                severity=data["severity"],
                description=data["description"],
                requested_remedy=data["requested_remedy"],
                source=ComplaintSource.STAFF,
                by=request.user,
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Complaint %(number)s is filed.") % {"number": complaint.number}
            )
            return redirect("complaints:detail", complaint.number)
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "complaints/new.html", {"form": form}, status=status)


def _complaint_or_404(number: str) -> Complaint:
    try:
        return selectors.complaint_get(number=number)
    except Complaint.DoesNotExist:
        raise Http404 from None


def _detail(
    request: AuthedRequest,
    complaint: Complaint,
    *,
    work_form: ComplaintWorkForm | None = None,
    status: int = 200,
) -> HttpResponse:
    may_work = selectors.may_work(request.user, complaint)
    now = timezone.now()
    context = {
        "complaint": complaint,
        "may_work": may_work,
        "targets": sla.target_states(complaint, now=now),
        "paused": complaint.pauses.filter(ended_at__isnull=True).first(),
        "next_steps": [ComplaintStatus(s) for s in services.next_steps(complaint)],
        "work_form": work_form or (ComplaintWorkForm(instance=complaint) if may_work else None),
        "pause_form": PauseForm(),
        "comment_form": CommentForm(),
        "attachment_form": AttachmentForm(),
        "timeline": selectors.complaint_timeline(complaint=complaint),
        "attachments": complaint.attachments.all(),
    }
    return render(request, "complaints/detail.html", context, status=status)


@require_perm(Perm.COMPLAINT_VIEW)
def complaint_detail(request: AuthedRequest, number: str) -> HttpResponse:
    return _detail(request, _complaint_or_404(number))


def _workable(request: AuthedRequest, number: str) -> Complaint:
    complaint = _complaint_or_404(number)
    if not selectors.may_work(request.user, complaint):
        raise PermissionDenied
    return complaint


def _refused(request: AuthedRequest, complaint: Complaint, message: str) -> HttpResponse:
    messages.error(request, message)
    return redirect("complaints:detail", complaint.number)


@require_POST
@require_perm(Perm.COMPLAINT_VIEW)
def complaint_save(request: AuthedRequest, number: str) -> HttpResponse:
    complaint = _workable(request, number)
    form = ComplaintWorkForm(request.POST, instance=selectors.complaint_get(number=number))
    if not form.is_valid():
        return _detail(request, complaint, work_form=form, status=422)
    try:
        services.complaint_update(
            complaint=complaint,
            data=form.changes(),
            by=request.user,
            version=form.cleaned_data["version"],
        )
    except BusinessRuleError as exc:
        return _refused(request, complaint, exc.detail)
    except ValidationError as exc:
        form_add_service_errors(form, exc)
        return _detail(request, complaint, work_form=form, status=422)
    messages.success(request, _("Saved."))
    return redirect("complaints:detail", complaint.number)


@require_POST
@require_perm(Perm.COMPLAINT_VIEW)
def complaint_transition(request: AuthedRequest, number: str) -> HttpResponse:
    complaint = _workable(request, number)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return _refused(request, complaint, _("The step was not understood; reload the page."))
    try:
        complaint = services.complaint_transition(
            complaint=complaint,
            to=form.cleaned_data["to"],
            note=form.cleaned_data["note"],
            version=form.cleaned_data["version"],
            by=request.user,
        )
    except BusinessRuleError as exc:
        return _refused(request, complaint, exc.detail)
    messages.success(
        request,
        _("Complaint %(number)s is now: %(status)s.")
        % {"number": complaint.number, "status": complaint.get_status_display()},
    )
    return redirect("complaints:detail", complaint.number)


@require_POST
@require_perm(Perm.COMPLAINT_VIEW)
def complaint_confirm(request: AuthedRequest, number: str) -> HttpResponse:
    complaint = _workable(request, number)
    services.complaint_confirm(complaint=complaint, by=request.user)
    messages.success(request, _("The draft is confirmed; the customer hears that it arrived."))
    return redirect("complaints:detail", complaint.number)


@require_POST
@require_perm(Perm.COMPLAINT_VIEW)
def complaint_pause(request: AuthedRequest, number: str) -> HttpResponse:
    complaint = _workable(request, number)
    form = PauseForm(request.POST)
    if not form.is_valid():
        return _refused(request, complaint, _("Say what you are waiting for."))
    try:
        services.complaint_pause(
            complaint=complaint, reason=form.cleaned_data["reason"], by=request.user
        )
    except BusinessRuleError as exc:
        return _refused(request, complaint, exc.detail)
    return redirect("complaints:detail", complaint.number)


@require_POST
@require_perm(Perm.COMPLAINT_VIEW)
def complaint_resume(request: AuthedRequest, number: str) -> HttpResponse:
    complaint = _workable(request, number)
    services.complaint_resume(complaint=complaint, by=request.user)
    return redirect("complaints:detail", complaint.number)


@require_POST
@require_perm(Perm.COMPLAINT_VIEW)
def complaint_attach(request: AuthedRequest, number: str) -> HttpResponse:
    complaint = _complaint_or_404(number)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _refused(
            request, complaint, " ".join(str(e) for e in form.errors.get("attachments", []))
        )
    try:
        services.complaint_attach(
            complaint=complaint,
            files=check_all(form.cleaned_data["attachments"]),
            by=request.user,
        )
    except ValidationError as exc:
        return _refused(request, complaint, " ".join(exc.messages))
    return redirect("complaints:detail", complaint.number)


@require_perm(Perm.COMPLAINT_VIEW)
def complaint_attachment(request: AuthedRequest, number: str, pk: int) -> FileResponse:
    """A photo or PDF, only to who may see complaints; a forged id answers 404."""
    attachment = ComplaintAttachment.objects.filter(complaint__number=number, pk=pk).first()
    if attachment is None:
        raise Http404
    return file_response(attachment)


@require_POST
@require_perm(Perm.COMPLAINT_VIEW)
def complaint_comment(request: AuthedRequest, number: str) -> HttpResponse:
    complaint = _complaint_or_404(number)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _refused(request, complaint, _("Write a comment."))
    services.complaint_comment(complaint=complaint, text=form.cleaned_data["text"], by=request.user)
    return redirect("complaints:detail", complaint.number)


def complaint_satisfaction(request: HttpRequest, number: str, token: str) -> HttpResponse:
    """The one question after closing, answered by link without login (1-5 and a comment)."""
    limited = too_many_requests(request, scope="satisfaction", limit=SATISFACTION_LIMIT_PER_MINUTE)
    if limited is not None:
        return limited
    complaint = selectors.complaint_for_satisfaction(number=number, token=token)
    if complaint is None:
        raise Http404
    form = SatisfactionForm(request.POST or None)
    status = 200
    thanks = False
    if request.method == "POST":
        if form.is_valid():
            try:
                services.complaint_satisfaction_record(
                    complaint=complaint,
                    score=form.cleaned_data["score"],
                    comment=form.cleaned_data["comment"],
                )
                thanks = True
            except BusinessRuleError as exc:
                form.add_error(None, exc.detail)
                status = 409
        else:
            status = 422
    return keep_link_private(
        render(
            request,
            "complaints/satisfaction.html",
            {"complaint": complaint, "form": form, "thanks": thanks},
            status=status,
        )
    )


def tracking_complaint(request: HttpRequest, number: str, token: str) -> HttpResponse:
    """From the order's tracking page the customer files a complaint without an account."""
    limited = too_many_requests(
        request, scope="tracking-complaint", limit=TRACKING_COMPLAINT_LIMIT_PER_MINUTE
    )
    if limited is not None:
        return limited
    order = order_for_tracking(number=number, token=token)
    if order is None:
        raise Http404
    form = CustomerComplaintForm(request.POST or None, request.FILES or None)
    complaint = None
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                complaint = services.complaint_from_tracking(
                    order=order,
                    email=data["email"],
                    category=data["category"],
                    description=data["description"],
                    requested_remedy=data["requested_remedy"],
                    production_stopped=data["production_stopped"],
                    files=check_all(data["attachments"]),
                )
                status = 201
            except ValidationError as exc:
                form.add_error("attachments" if not hasattr(exc, "error_dict") else None, exc)
    return keep_link_private(
        render(
            request,
            "complaints/tracking_form.html",
            {"order": order, "form": form, "complaint": complaint},
            status=status,
        )
    )
