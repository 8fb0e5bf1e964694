"""The pages of the register of children in difficulty. Thin: who may see which record is
decided in ``access`` (a record out of scope is a 404, a page the role may not use a 403),
every write and every full view goes through ``services``; identity is shown masked except
on the full-record page, which only a POST with a reason renders."""
from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from cfcity.accounts.roles import Role
from cfcity.orgs.models import OrgUnit
from cfcity.orgs.tree import descendant_ids

from . import access, idcard, masking, services, stats
from .access import CLOSE, EDIT, EXPORT, SENSITIVE, VIEW_FULL, VIEW_MASKED
from .forms import (AppointForm, ChildForm, CloseForm, DecideDeletionForm, DeletionForm, DownloadForm,
                    EndForm, ExportRequestForm, ReasonForm, SupportForm, TrainingForm, VisitForm, show_errors)
from .models import Alert, Category, Child, DeletionRequest, ExportRequest, Worker
from .services import WelfareError

PER_PAGE = 50


# --- who may open which page ---------------------------------------------------------------

def _needs(user, action: str):
    """A page the role may not use at all: 403 (before any record is looked up)."""
    if not access.may(user, action):
        raise PermissionDenied("您的角色不能使用此功能")


def _child(user, pk, action: str = VIEW_MASKED) -> Child:
    _needs(user, action)
    return access.get_child(user, pk, action)  # out of scope: 404


def _roster_scope(user) -> set[int] | None:
    """Units whose roster ``user`` may read: the welfare roles their own scope; the
    coordinator and leaders their area; nobody else (None)."""
    if access.actions_for(user):
        return access.unit_ids(user)
    m = access.membership(user)
    if m is not None and user.is_active and m.role in (Role.COORDINATOR, Role.LEADER):
        return descendant_ids([access.area_of_user(user).pk])
    return None


def tabs(user) -> list[tuple[str, str]]:
    """The register's own menu: only the pages this user may open."""
    out = []
    if access.may(user, VIEW_MASKED):
        out.append(("welfare:index", "台账"))
    out.append(("welfare:stats", "统计"))
    if _roster_scope(user) is not None:
        out.append(("welfare:roster", "儿童督导员和儿童主任"))
    if access.may(user, EXPORT):
        out.append(("welfare:deletions", "删除申请"))
    if access.may(user, EXPORT) or access.may_approve_exports(user):
        out.append(("welfare:exports", "导出"))
    if access.may_approve_exports(user):
        out.append(("welfare:alerts", "安全提醒"))
    return out


def _render(request, template: str, context: dict, status: int = 200):
    context = {**context, "tabs": tabs(request.user), "here": request.resolver_match.view_name}
    return render(request, template, context, status=status)


def _age(child: Child, today: datetime.date) -> int | None:
    try:
        return idcard.age_on(datetime.date.fromisoformat(child.birth_date), today)
    except (TypeError, ValueError):  # anonymised: only the birth year is left
        return today.year - child.birth_year if child.birth_year else None


def _categories(child: Child) -> list[str]:
    held = {c.category for c in child.categories.all()}
    return [c.label for c in Category if c.value in held]  # in the order of the form


# --- the register ---------------------------------------------------------------------------

@sensitive_post_parameters("q")
@login_required
@never_cache
def register(request):
    """The masked list. Search by ID number is a POST, so the number never sits in an
    address, a browser's history or a server's access log."""
    user = request.user
    if not access.may(user, VIEW_MASKED):
        return redirect("welfare:stats")
    towns = OrgUnit.objects.filter(pk__in=access.unit_ids(user), kind=OrgUnit.Kind.TOWN).order_by("order", "name")
    villages = (OrgUnit.objects.filter(pk__in=access.unit_ids(user), kind=OrgUnit.Kind.VILLAGE)
                .select_related("parent").order_by("parent__order", "parent__name", "order", "name"))
    f = {k: request.GET.get(k, "") for k in ("town", "village", "category", "status")}
    searched = request.method == "POST"
    if searched:
        qs = services.find_by_id_number(user, request.POST.get("q", ""))
    else:
        qs = access.children_for(user)
        # ascii digits of a sane length only: "²" passes isdigit(), 10²⁰ overflows the database
        if f["town"].isascii() and f["town"].isdigit() and len(f["town"]) <= 9:
            qs = qs.filter(town_id=int(f["town"]))
        if f["village"].isascii() and f["village"].isdigit() and len(f["village"]) <= 9:
            qs = qs.filter(village_id=int(f["village"]))
        if f["category"] in Category.values:
            qs = qs.filter(categories__category=f["category"])
        if f["status"] in Child.Status.values:
            qs = qs.filter(status=f["status"])
    qs = qs.select_related("town", "village").prefetch_related("categories").order_by(
        "town__order", "town__name", "village__order", "village__name", "pk")
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [{"pk": c.pk, "name": masking.name(c.name), "id_number": masking.id_number(c.id_number),
             "town": c.town.name, "village": c.village.name, "categories": _categories(c),
             "age": _age(c, today), "status": c.get_status_display(), "closed": c.status == Child.Status.CLOSED}
            for c in page]
    query = request.GET.copy()
    query.pop("page", None)
    return _render(request, "welfare/register.html", {
        "rows": rows, "page": page, "filters": f, "towns": towns, "villages": villages,
        "categories": Category.choices, "statuses": Child.Status.choices, "searched": searched,
        "query": query.urlencode(), "may_edit": access.may(user, EDIT)})


def _stats_area(request):
    """The area whose counts ``request.user`` asked for: their own; a superuser picks one."""
    user = request.user
    area, areas = access.area_of_user(user), []
    if area is None:
        if not (user.is_superuser and user.is_active):
            raise PermissionDenied("您的账号未分配单位，不能查看统计")
        areas = list(OrgUnit.objects.filter(kind=OrgUnit.Kind.AREA)
                     .order_by(F("parent_id").asc(nulls_first=True), "order", "name"))
        wanted = request.GET.get("area", "")
        area = next((a for a in areas if str(a.pk) == wanted), areas[0] if areas else None)
        if area is None:
            raise PermissionDenied("还没有任何地区")
    return area, areas


@login_required
def stats_page(request):
    """Counts only, for anyone of the area; small cells shown as “<5”."""
    area, areas = _stats_area(request)
    table = stats.by_town_and_category(area)
    rows = [(town, [stats.fmt(v) for v in cells], stats.fmt(total)) for town, cells, total in table.rows]
    return _render(request, "welfare/stats.html", {
        "area": area, "areas": areas, "columns": table.columns, "rows": rows,
        "totals": [stats.fmt(v) for v in table.totals], "total": stats.fmt(table.total),
        "threshold": stats.threshold()})


@login_required
def stats_xlsx(request):
    """The same counts as a spreadsheet: the same suppression, no record-level data."""
    area, _ = _stats_area(request)
    data = stats.counts_xlsx(area, stats.by_town_and_category(area))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="welfare-counts-{timezone.localdate():%Y%m%d}.xlsx"'

    return response


# --- one record -----------------------------------------------------------------------------

def _form_page(request, form, child=None, status=200):
    return _render(request, "welfare/child_form.html", {"form": form, "child": child}, status=status)


@sensitive_post_parameters()  # names and ID numbers: never in an error report
@login_required
@never_cache
def child_new(request):
    user = request.user
    _needs(user, EDIT)
    form = ChildForm(request.POST or None, user=user, sensitive=access.may(user, SENSITIVE))
    if request.method == "POST":
        if form.is_valid():
            try:
                child = services.register_child(user, form.to_input())
            except WelfareError as e:
                show_errors(form, e.errors)
            else:
                messages.success(request, f"已建档，记录编号 {child.pk}。")
                return redirect("welfare:child", child.pk)
        return _form_page(request, form, status=400)
    return _form_page(request, form)


@sensitive_post_parameters()
@login_required
@never_cache
def child_edit(request, pk):
    user = request.user
    child = _child(user, pk, EDIT)
    sensitive = access.may_on(user, SENSITIVE, child)
    if request.method == "POST":
        form = ChildForm(request.POST, user=user, child=child, sensitive=sensitive)
        if form.is_valid():
            version = form.cleaned_data.get("version")
            try:
                if version is None:
                    raise WelfareError("表单缺少版本信息，请刷新后重试")
                services.update_child(user, child, form.to_input(), version=version)
            except WelfareError as e:
                show_errors(form, e.errors)
            else:
                messages.success(request, "已保存修改。")
                return redirect("welfare:child", child.pk)
        return _form_page(request, _masked_placeholders(form, child), child, status=400)
    form = ChildForm(initial=ChildForm.initial_for(child, sensitive=sensitive), user=user, child=child,
                     sensitive=sensitive)
    return _form_page(request, _masked_placeholders(form, child), child)


def _masked_placeholders(form, child):
    for f, mask in (("name", masking.name), ("id_number", masking.id_number), ("guardian_name", masking.name),
                    ("guardian_phone", masking.phone), ("address", masking.address)):
        form.fields[f].widget.attrs["placeholder"] = f"现为 {mask(getattr(child, f))}" if getattr(child, f) else ""
    return form


def _detail_context(request, child: Child, **forms) -> dict:
    user = request.user
    is_open = child.status == Child.Status.OPEN
    may_edit = access.may_on(user, EDIT, child)
    today = timezone.localdate()
    return {
        "child": child,
        "masked": {"name": masking.name(child.name), "id_number": masking.id_number(child.id_number),
                   "birth_date": masking.birth_date(child.birth_date),
                   "guardian_name": masking.name(child.guardian_name),
                   "guardian_phone": masking.phone(child.guardian_phone), "address": masking.address(child.address)},
        "age": _age(child, today), "categories": _categories(child),
        "supports": child.supports.select_related("recorded_by"),
        "visits": child.visits.select_related("worker"),
        "sensitive": access.may_on(user, SENSITIVE, child),
        "pending_deletion": child.deletion_requests.filter(status=DeletionRequest.Status.PENDING).first(),
        "may_full": access.may_on(user, VIEW_FULL, child),
        "may_edit": may_edit and is_open,
        "may_close": access.may_on(user, CLOSE, child) and is_open,
        "may_delete": may_edit or access.may_on(user, CLOSE, child),
        "support_form": forms.get("support_form") or SupportForm(initial={"date": today}),
        "visit_form": forms.get("visit_form") or VisitForm(initial={"date": today}),
        "close_form": forms.get("close_form") or CloseForm(),
        "deletion_form": forms.get("deletion_form") or DeletionForm(),
    }


@login_required
@never_cache
def child_detail(request, pk):
    child = _child(request.user, pk, VIEW_MASKED)
    return _render(request, "welfare/child_detail.html", _detail_context(request, child))


def _child_step(request, pk, action, form_class, key, do, done):
    """A small form posted from the detail page: done → back to the page; refused → the page
    again with the message next to the field (nothing saved)."""
    child = _child(request.user, pk, action)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            do(request.user, child, form.cleaned_data)
        except WelfareError as e:
            show_errors(form, e.errors)
        else:
            messages.success(request, done)
            return redirect("welfare:child", child.pk)
    return _render(request, "welfare/child_detail.html", _detail_context(request, child, **{key: form}), status=400)


@login_required
@require_POST
def child_support(request, pk):
    return _child_step(request, pk, EDIT, SupportForm, "support_form",
                       lambda u, c, d: services.add_support(u, c, kind=d["kind"], date=d["date"],
                                                            amount=d["amount"], note=d["note"]),
                       "已记录保障情况。")


@login_required
@require_POST
def child_visit(request, pk):
    return _child_step(request, pk, EDIT, VisitForm, "visit_form",
                       lambda u, c, d: services.add_visit(u, c, date=d["date"], note=d["note"],
                                                          follow_up=d["follow_up"]),
                       "已记录走访。")


@login_required
@require_POST
def child_close(request, pk):
    return _child_step(request, pk, CLOSE, CloseForm, "close_form",
                       lambda u, c, d: services.close_child(u, c, reason=d["reason"]), "已销档。")


@login_required
@require_POST
def child_deletion(request, pk):
    return _child_step(request, pk, EDIT, DeletionForm, "deletion_form",
                       lambda u, c, d: services.request_deletion(u, c, d["reason"]),
                       "已提出删除申请，等待民政部门指定人员审批。")


@login_required
@never_cache
def child_full(request, pk):
    """GET: the reason form. POST with a reason: the full record, in this response only."""
    user = request.user
    child = _child(user, pk, VIEW_FULL)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.view_full(user, child, form.cleaned_data["reason"])
        except WelfareError as e:
            show_errors(form, e.errors)
        else:
            return _render(request, "welfare/child_full.html", {
                "child": child, "categories": _categories(child), "age": _age(child, timezone.localdate()),
                "sensitive": access.may_on(user, SENSITIVE, child), "reason": form.cleaned_data["reason"]})
    return _render(request, "welfare/child_reason.html", {"child": child, "form": form,
                                                          "masked_name": masking.name(child.name)},
                   status=400 if request.method == "POST" else 200)


# --- deletion requests ---------------------------------------------------------------------

@login_required
@never_cache
def deletions(request):
    user = request.user
    _needs(user, EXPORT)  # the civil-affairs bureau's designated users decide (services.decide_deletion)
    mine = DeletionRequest.objects.filter(town_id__in=access.unit_ids(user)).select_related(
        "requested_by", "decided_by", "town", "child__village")
    return _render(request, "welfare/deletions.html", {
        "pending": mine.filter(status=DeletionRequest.Status.PENDING).order_by("created_at"),
        "decided": mine.exclude(status=DeletionRequest.Status.PENDING).order_by("-decided_at")[:20],
        "form": DecideDeletionForm()})


@login_required
@require_POST
def deletion_decide(request, pk):
    user = request.user
    _needs(user, EXPORT)
    req = get_object_or_404(DeletionRequest.objects.filter(town_id__in=access.unit_ids(user)), pk=pk)
    form = DecideDeletionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择同意或不同意。")
    else:
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.decide_deletion(user, req, approve=approve, note=form.cleaned_data["note"])
        except WelfareError as e:
            messages.error(request, "；".join(e.errors.values()))
        else:
            messages.success(request, f"记录 {req.child_ref} 已删除。" if approve else "已驳回该删除申请。")
    return redirect("welfare:deletions")


# --- the roster -----------------------------------------------------------------------------

def _serving(units, today):
    return (Worker.objects.filter(org_unit__in=units, appointed_on__lte=today)
            .exclude(left_on__lte=today).prefetch_related("trainings").order_by("appointed_on", "pk"))


def _worker_row(w: Worker) -> dict:
    trainings = list(w.trainings.all())
    return {"worker": w, "phone": masking.phone(w.phone), "trainings": trainings,
            "hours": sum((t.hours or 0) for t in trainings)}


@login_required
def roster(request):
    user = request.user
    ids = _roster_scope(user)
    if ids is None:
        raise PermissionDenied("您的角色不能查看名册")
    today = timezone.localdate()
    villages = list(OrgUnit.objects.filter(pk__in=ids, kind=OrgUnit.Kind.VILLAGE).order_by("order", "name"))
    towns = list(OrgUnit.objects.filter(Q(pk__in=ids) | Q(pk__in={v.parent_id for v in villages}),
                                        kind=OrgUnit.Kind.TOWN).order_by("order", "name"))
    by_unit: dict[int, list[dict]] = {}
    for w in _serving(towns + villages, today):
        by_unit.setdefault(w.org_unit_id, []).append(_worker_row(w))
    rows = []
    for town in towns:
        rows.append({"town": town, "supervisors": by_unit.get(town.pk, []),
                     "editable": services.may_edit_roster(user, town),
                     "villages": [{"village": v, "directors": by_unit.get(v.pk, []),
                                   "editable": services.may_edit_roster(user, v)}
                                  for v in villages if v.parent_id == town.pk]})
    return _render(request, "welfare/roster.html", {
        "rows": rows, "today": today,
        "towns_without": sum(1 for r in rows if not r["supervisors"]), "towns": len(rows),
        "villages_without": sum(1 for r in rows for v in r["villages"] if not v["directors"]),
        "villages_total": sum(len(r["villages"]) for r in rows),
        "end_form": EndForm(initial={"on": today}, auto_id=False),
        "training_form": TrainingForm(initial={"date": today}, auto_id=False),
        "appoint_form": AppointForm(initial={"appointed_on": today})})


def _roster_worker(user, pk) -> Worker:
    ids = _roster_scope(user)
    if ids is None:
        raise PermissionDenied("您的角色不能查看名册")
    worker = get_object_or_404(Worker.objects.filter(org_unit_id__in=ids).select_related("org_unit"), pk=pk)
    if not services.may_edit_roster(user, worker.org_unit):
        raise PermissionDenied("您不能修改这个名册")
    return worker


def _roster_step(request, form, do, done, anchor):
    if form.is_valid():
        try:
            do(form.cleaned_data)
        except WelfareError as e:
            messages.error(request, "；".join(e.errors.values()))
        else:
            messages.success(request, done)
    else:
        messages.error(request, "；".join(f"{form.fields[f].label if f in form.fields else ''}：{m[0]}".lstrip("：")
                                         for f, m in form.errors.items()))
    return redirect(reverse("welfare:roster") + f"#unit-{anchor}")


@login_required
@require_POST
def roster_appoint(request):
    user = request.user
    ids = _roster_scope(user)
    if ids is None:
        raise PermissionDenied("您的角色不能查看名册")
    unit_id = request.POST.get("unit", "")
    if not unit_id.isdigit():
        raise Http404("没有找到该单位")
    unit = get_object_or_404(OrgUnit.objects.filter(pk__in=ids), pk=int(unit_id))
    if not services.may_edit_roster(user, unit):
        raise PermissionDenied("您不能修改这个名册")
    return _roster_step(request, AppointForm(request.POST), lambda d: services.appoint(
        user, kind=d["kind"], unit=unit, name=d["name"], phone=d["phone"].strip(), appointed_on=d["appointed_on"]),
        "已登记任职。", unit.pk)


@login_required
@require_POST
def roster_end(request, pk):
    worker = _roster_worker(request.user, pk)
    return _roster_step(request, EndForm(request.POST),
                        lambda d: services.end_appointment(request.user, worker, on=d["on"]),
                        f"已登记 {worker.name} 离任。", worker.org_unit_id)


@login_required
@require_POST
def roster_training(request, pk):
    worker = _roster_worker(request.user, pk)
    return _roster_step(request, TrainingForm(request.POST),
                        lambda d: services.add_training(request.user, worker, date=d["date"], title=d["title"],
                                                        hours=d["hours"], provider=d["provider"]),
                        "已登记培训。", worker.org_unit_id)


# --- exports --------------------------------------------------------------------------------

def _area_ids(user) -> set[int]:
    area = access.area_of_user(user)
    return descendant_ids([area.pk]) if area else set()


def _exports_page(request, form=None, download_form=None, download_for=None, status=200):
    user = request.user
    requester, approver = access.may(user, EXPORT), access.may_approve_exports(user)
    if not (requester or approver):
        raise PermissionDenied("您的角色不能使用导出功能")
    mine = []
    if requester:
        for r in ExportRequest.objects.filter(requested_by=user).select_related("org_unit", "decided_by"):
            mine.append({"req": r, "why_not": services.export_usable(r, user),
                         "form": download_form if download_for == r.pk else DownloadForm()})
    pending = decided = []
    if approver:
        area_reqs = ExportRequest.objects.filter(org_unit_id__in=_area_ids(user)).select_related(
            "org_unit", "requested_by__membership__org_unit", "decided_by")
        pending = area_reqs.filter(status=ExportRequest.Status.PENDING).order_by("created_at")
        decided = area_reqs.exclude(status=ExportRequest.Status.PENDING).order_by("-decided_at")[:20]
    return _render(request, "welfare/exports.html", {
        "requester": requester, "approver": approver, "mine": mine, "pending": pending, "decided": decided,
        "form": form or (ExportRequestForm(user=user) if requester else None)}, status=status)


@login_required
@never_cache
def exports(request):
    return _exports_page(request)


@login_required
@require_POST
def export_new(request):
    user = request.user
    _needs(user, EXPORT)
    form = ExportRequestForm(request.POST, user=user)
    if form.is_valid():
        try:
            services.request_export(user, form.cleaned_data["unit"], form.cleaned_data["reason"])
        except WelfareError as e:
            show_errors(form, e.errors)
        else:
            messages.success(request, "已提交导出申请，等待协调员审批。")
            return redirect("welfare:exports")
    return _exports_page(request, form=form, status=400)


@login_required
@require_POST
def export_decide(request, pk):
    user = request.user
    if not access.may_approve_exports(user):
        raise PermissionDenied("导出申请由协调员审批")
    req = get_object_or_404(ExportRequest.objects.filter(org_unit_id__in=_area_ids(user)), pk=pk)
    approve = request.POST.get("decision") == "approve"
    try:
        services.decide_export(user, req, approve=approve)
    except WelfareError as e:
        messages.error(request, "；".join(e.errors.values()))
    else:
        messages.success(request, "已批准该导出申请。" if approve else "已驳回该导出申请。")
    return redirect("welfare:exports")


@sensitive_post_parameters("password1", "password2")
@login_required
@require_POST
@never_cache
@sensitive_variables("password", "form")
def export_download(request, pk):
    """The encrypted archive, made now (cfcity.welfare.export); the password is never kept."""
    user = request.user
    if not (access.may(user, EXPORT) or access.may_approve_exports(user)):
        raise PermissionDenied("您的角色不能使用导出功能")
    scope = access.unit_ids(user) | (_area_ids(user) if access.may_approve_exports(user) else set())
    req = get_object_or_404(ExportRequest.objects.filter(org_unit_id__in=scope).select_related("org_unit"), pk=pk)
    why = services.export_usable(req, user)
    if why:
        return _render(request, "welfare/refused.html", {"reason": why}, status=403)
    form = DownloadForm(request.POST)
    if not form.is_valid():
        return _exports_page(request, download_form=form, download_for=req.pk, status=400)
    from .export import build_archive  # the archive's maker: loaded only when one is asked for

    password = form.cleaned_data["password1"]
    try:
        filename, data = build_archive(user, req, password)
    except WelfareError as e:
        show_errors(form, {("password1" if k == "password" else k): v for k, v in e.errors.items()})
        return _exports_page(request, download_form=form, download_for=req.pk, status=400)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- security alerts ------------------------------------------------------------------------

@login_required
@never_cache
def alerts(request):
    user = request.user
    if not access.may_approve_exports(user):
        raise PermissionDenied("安全提醒由协调员查看")
    area = access.area_of_user(user)
    rows = Alert.objects.filter(area_id__in=_area_ids(user)).select_related("actor", "acknowledged_by", "area")
    return _render(request, "welfare/alerts.html", {
        "open": rows.filter(acknowledged_at__isnull=True), "done": rows.filter(acknowledged_at__isnull=False)[:50],
        "area": area})


@login_required
@require_POST
def alert_ack(request, pk):
    user = request.user
    if not access.may_approve_exports(user):
        raise PermissionDenied("安全提醒由协调员查看")
    alert = get_object_or_404(Alert.objects.filter(area_id__in=_area_ids(user)), pk=pk)
    services.acknowledge_alert(user, alert)
    messages.success(request, "已确认该提醒。")
    return redirect("welfare:alerts")
