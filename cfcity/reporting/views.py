"""Reporting pages: my tasks, the report form, the review queue, the status table.
Thin: every object comes through the access layer, every change through workflow."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from cfcity.accounts import access
from cfcity.monitoring.warnings import home_context as warnings_context
from cfcity.orgs.models import OrgUnit
from cfcity.plans import models as pm

from . import excel, services, workflow
from .models import Period, Report

S = Report.Status


# review steps taken from the form: workflow function, the form field it takes, what to say
REVIEW_STEPS = {
    "approve": (workflow.approve, "comment", "已审核通过，报送协调员。"),
    "return": (workflow.return_report, "comment", "已退回填报单位。"),
    "accept": (workflow.accept, "comment", "已采纳，数据已锁定。"),
    "correct": (workflow.start_correction, "reason", "已开始更正，请修改后重新报送。"),
}


def _plans(user):
    return access.visible_plans(user, pm.Plan.objects.all()).order_by("-date", "-pk")


def _period(request, user) -> Period | None:
    """The period asked for, or the one whose reporting window is open today."""
    plans = _plans(user)
    periods = Period.objects.filter(plan__in=plans)
    if request.GET.get("period"):
        return get_object_or_404(periods, pk=_posted_id(request.GET["period"]))
    today = timezone.localdate()
    return (periods.filter(opens__lte=today, closes__gte=today).order_by("deadline").first()
            or periods.filter(ends__lt=today).order_by("-ends").first()
            or periods.order_by("starts").first())


def _posted_id(raw: str) -> int:
    """A number posted or typed in an address; anything else -1, which matches no row and
    no report version (a tampered form gets a conflict or a 404, never an error page)."""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else -1


def _period_choices(period):
    return Period.objects.filter(plan_id=period.plan_id).order_by("starts", "kind") if period else []


@login_required
def my_tasks(request):
    m = access.membership(request.user)
    period = _period(request, request.user)
    rows = services.owed(period, [m.org_unit_id]) if (m and period) else []
    return render(request, "reporting/my_tasks.html", {
        "period": period, "periods": _period_choices(period), "rows": rows, "unit": m.org_unit if m else None,
        "today": timezone.localdate(),
        **warnings_context(request.user),  # the active warnings the user should see
    })


def _report_context(request, report, problems=None, posted=None):
    values = list(report.values.select_related("target").order_by("target__order"))
    problems = problems or []
    by_field = {}
    for p in problems:
        by_field.setdefault(p.field, []).append(p.message)
    for v in values:
        v.errors = by_field.get(f"target-{v.target_id}", [])
        v.posted = (posted or {}).get(f"value-{v.target_id}")
    user = request.user
    return {
        "report": report, "task": report.task, "values": values, "problems": problems,
        "general_errors": [m for f, ms in by_field.items() if not f.startswith("target-") for m in ms],
        "events": report.events.select_related("actor").order_by("created_at", "id"),
        "evidence": report.evidence.all(), "stages": Report.Stage.choices,
        "can_edit": report.editable and workflow.can_edit(user, report),
        "can_approve": report.status == S.SUBMITTED and workflow.can_approve(user, report),
        "can_review": report.status == S.APPROVED and workflow.can_review(user, report),
        "can_correct": report.status == S.ACCEPTED and workflow.can_edit(user, report),
        "posted": posted or {},
    }


@login_required
def report_form(request, period_id, task_id, unit_id):
    unit = access.get_for_user(request.user, OrgUnit.objects.all(), field="pk", pk=unit_id)
    period = get_object_or_404(Period.objects.filter(plan__in=_plans(request.user)), pk=period_id)
    task = get_object_or_404(pm.Task, pk=task_id, plan_id=period.plan_id)
    if not task.assignments.filter(org_unit=unit).exists():
        raise Http404("该单位不承担此任务")
    try:
        report = workflow.open_report(task, unit, period, user=request.user)
    except PermissionDenied:
        # readers of the unit (a leader, an inspector) see that nothing has been reported yet
        return render(request, "reporting/not_started.html", {"task": task, "unit": unit, "period": period})
    here = reverse("reporting:report", args=[period.pk, task.pk, unit.pk])
    if request.method != "POST":
        return render(request, "reporting/report_form.html", _report_context(request, report))
    action = request.POST.get("action", "save")
    try:
        if action in ("save", "submit"):
            ids = [v.target_id for v in report.values.all()]
            report = workflow.save_report(
                report, user=request.user, version=_posted_id(request.POST.get("version", "")),
                narrative=request.POST.get("narrative", ""), stage=request.POST.get("stage"),
                values={t: request.POST.get(f"value-{t}", "") for t in ids},
                comments={t: request.POST.get(f"comment-{t}", "") for t in ids},
                outlier_reasons={t: request.POST.get(f"reason-{t}", "") for t in ids})
            for f in request.FILES.getlist("evidence"):
                # never more than the limit into memory: one byte over is enough to refuse it
                workflow.add_evidence(report, user=request.user, name=f.name,
                                      data=f.read(workflow.MAX_EVIDENCE_BYTES + 1))
            if action == "submit":
                report = workflow.submit(report, user=request.user)
                messages.success(request, "已报送。")
            else:
                messages.success(request, "已保存。")
        elif action in REVIEW_STEPS:
            step, field, done = REVIEW_STEPS[action]
            step(report, user=request.user, **{field: request.POST.get(field, "")})
            messages.success(request, done)
        else:
            raise workflow.ReportingError("未知的操作")
    except workflow.Invalid as e:
        report.refresh_from_db()
        ctx = _report_context(request, report, e.problems, request.POST)
        return render(request, "reporting/report_form.html", ctx, status=422)
    except workflow.Conflict as e:
        messages.error(request, str(e))
        report.refresh_from_db()
        ctx = _report_context(request, report, posted=request.POST)
        ctx["conflict"] = True
        return render(request, "reporting/report_form.html", ctx, status=409)
    except workflow.ReportingError as e:
        messages.error(request, str(e))
    return redirect(here)


@login_required
def review_queue(request):
    user = request.user
    visible = access.visible_to(user, Report.objects.all()).select_related("task", "org_unit", "period")
    m = access.membership(user)
    waiting = []
    for r in visible.filter(status__in=[S.SUBMITTED, S.APPROVED]).order_by("period__deadline", "submitted_at"):
        if (r.status == S.SUBMITTED and workflow.can_approve(user, r)) or \
                (r.status == S.APPROVED and workflow.can_review(user, r)):
            waiting.append(r)
    return render(request, "reporting/review_queue.html", {"reports": waiting, "membership": m})


@login_required
def status_table(request):
    """Who has and has not reported for a period: one row per unit in scope."""
    period = _period(request, request.user)
    if period is None:
        plans = [p for p in _plans(request.user).select_related("area")
                 if access.can_review_plan(request.user, p)]
        return render(request, "reporting/status.html", {"period": None, "rows": [], "plans_to_set_up": plans})
    units = access.visible_to(request.user, OrgUnit.objects.all(), field="pk")
    owed = services.owed(period, units)
    today = timezone.localdate()
    table: dict[int, dict] = {}
    for row in owed:
        u = row.assignment.org_unit
        t = table.setdefault(u.pk, {"unit": u, "owed": 0, "missing": 0, "draft": 0, "returned": 0,
                                    "submitted": 0, "approved": 0, "accepted": 0, "late": 0})
        t["owed"] += 1
        t[row.status if row.status in t else "draft"] += 1
        t["late"] += row.late(today)
    rows = sorted(table.values(), key=lambda t: (-t["late"], -t["missing"], t["unit"].name))
    totals = {k: sum(r[k] for r in rows) for k in ("owed", "missing", "draft", "returned", "submitted",
                                                    "approved", "accepted", "late")}
    return render(request, "reporting/status.html", {
        "period": period, "periods": _period_choices(period), "rows": rows, "totals": totals, "today": today,
        "can_set_periods": access.can_review_plan(request.user, period.plan)})


def _unit_and_period(request, period_id):
    m = access.membership(request.user)
    if m is None:
        raise Http404("您的账号还没有分配单位")
    period = get_object_or_404(Period.objects.filter(plan__in=_plans(request.user)), pk=period_id)
    return m.org_unit, period


@login_required
def excel_template(request, period_id):
    from django.http import HttpResponse
    from urllib.parse import quote

    unit, period = _unit_and_period(request, period_id)
    data = excel.build_template(period, unit, user=request.user)
    name = f"{unit.name}-{period.label}-填报表.xlsx"
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
def excel_upload(request, period_id):
    unit, period = _unit_and_period(request, period_id)
    back = f"{reverse('reporting:my')}?period={period.pk}"
    if request.method != "POST":
        return redirect(back)
    upload = request.FILES.get("sheet")
    if upload is None:
        messages.error(request, "请选择要上传的填报表。")
        return redirect(back)
    if upload.size > excel.MAX_UPLOAD_BYTES:
        messages.error(request, f"文件过大，填报表不超过 {excel.MAX_UPLOAD_BYTES // 1024 // 1024} MB。")
        return redirect(back)
    try:
        saved = excel.read_upload(upload.read(), upload.name, period=period, unit=unit, user=request.user)
    except excel.SheetInvalid as e:
        return render(request, "reporting/upload_errors.html",
                      {"problems": e.problems, "period": period, "name": upload.name}, status=422)
    except (PermissionDenied, workflow.ReportingError) as e:
        messages.error(request, str(e) or "您无权为该单位填报")
        return redirect(back)
    messages.success(request, f"已从表格保存 {len(saved)} 项任务的填报内容（尚未报送，请逐项核对后报送）。")
    return redirect(back)


@login_required
def task_assignments(request, task_id):
    """The coordinator adds co-operating units to a task and breaks its targets down."""
    from cfcity.accounts.roles import rules_for
    from .models import Assignment, TargetShare

    task = get_object_or_404(pm.Task.objects.filter(plan__in=_plans(request.user)).select_related("plan"),
                             pk=task_id)
    m = access.membership(request.user)
    allowed = request.user.is_superuser or (m is not None and rules_for(m.role).review)
    if not allowed:
        raise PermissionDenied("只有协调员可以调整任务分工")
    units = access.visible_to(request.user, OrgUnit.objects.filter(active=True), field="pk").order_by("kind", "order", "name")
    if request.method == "POST":
        try:
            unit = units.get(pk=request.POST.get("unit"))
        except (OrgUnit.DoesNotExist, ValueError):
            messages.error(request, "请选择单位。")
            return redirect(request.path)
        try:
            if request.POST.get("action") == "share":
                target = get_object_or_404(task.targets, pk=request.POST.get("target"))
                services.set_share(target, unit, request.POST.get("value", ""), actor=request.user,
                                   note=request.POST.get("note", "")[:300])
                messages.success(request, f"已将目标分解给{unit.name}。")
            else:
                services.assign(task, unit, Assignment.Role.COOPERATING, actor=request.user)
                messages.success(request, f"已增加配合单位：{unit.name}。")
        except (services.ReportingError, ArithmeticError, ValueError) as e:
            messages.error(request, str(e) if isinstance(e, services.ReportingError) else "分解目标值应为数字")
        return redirect(request.path)
    targets = list(task.targets.order_by("order"))
    shares = {t.pk: list(TargetShare.objects.filter(target=t).select_related("org_unit")) for t in targets}
    for t in targets:
        t.share_list, t.gap = shares[t.pk], services.share_gap(t)
    return render(request, "reporting/task_assignments.html", {
        "task": task, "assignments": task.assignments.select_related("org_unit").order_by("role", "org_unit__name"),
        "targets": targets, "units": units,
        "towns": [u for u in units if u.kind in (OrgUnit.Kind.TOWN, OrgUnit.Kind.VILLAGE)],
    })


KIND_ORDER = {kind: i for i, kind in enumerate(Period.Kind.values)}  # 年度, 半年, 季度


def _periods_context(plan, errors=None, posted=None, edited=None):
    periods = sorted(Period.objects.filter(plan=plan).annotate(n_reports=Count("reports")),
                     key=lambda p: (KIND_ORDER[p.kind], p.starts, p.index))
    for p in periods:
        p.errors = errors if p.pk == edited else {}
        p.posted = posted if p.pk == edited else None
    return {"plan": plan, "periods": periods, "kinds": Period.Kind.choices}


@login_required
def plan_periods(request, plan_id):
    """The coordinator sets a plan's reporting periods up: generates them by kind, moves
    their reporting dates, deletes one nobody has reported for yet."""
    plan = get_object_or_404(_plans(request.user).select_related("area"), pk=plan_id)
    if not access.can_review_plan(request.user, plan):
        raise PermissionDenied("只有本地区的协调员可以设置填报周期")
    if request.method != "POST":
        return render(request, "reporting/periods.html", _periods_context(plan))
    action = request.POST.get("action")
    if action == "generate":
        kind = request.POST.get("kind", "")
        try:
            created, assigned = services.set_up_periods(plan, kind, actor=request.user)
        except services.ReportingError as e:
            messages.error(request, str(e) if kind in Period.Kind.values else "请选择填报周期类型。")
        else:
            if created:
                messages.success(request, f"已生成 {len(created)} 个填报周期：{'、'.join(p.label for p in created)}。"
                                          + (f"新增任务分工 {assigned} 条。" if assigned else ""))
            else:
                messages.success(request, f"{dict(Period.Kind.choices)[kind]}填报周期都已存在，没有新增。")
        return redirect(request.path)
    if action not in ("edit", "delete"):
        messages.error(request, "未知的操作。")
        return redirect(request.path)
    period_id = request.POST.get("period", "")
    if not (period_id.isascii() and period_id.isdigit() and 0 < int(period_id) < 2 ** 31):
        raise Http404("没有找到该填报周期")
    period = get_object_or_404(plan.periods, pk=int(period_id))
    if action == "delete":
        try:
            services.delete_period(period, actor=request.user)
        except services.ReportingError as e:
            messages.error(request, str(e))
        else:
            messages.success(request, f"已删除填报周期：{period.label}。")
        return redirect(request.path)
    posted = {f: request.POST.get(f, "") for f in services.PERIOD_DATES}
    try:
        changed = services.change_period_dates(period, actor=request.user, **posted)
    except services.PeriodInvalid as e:
        shown = {f: v[:services.MAX_DATE_TEXT] for f, v in posted.items()}  # a huge paste is not echoed
        ctx = _periods_context(plan, e.errors, shown, period.pk)
        ctx["invalid"], ctx["invalid_count"] = period, len(e.errors)
        return render(request, "reporting/periods.html", ctx, status=422)
    messages.success(request, f"已修改{period.label}的填报日期。" if changed else f"{period.label}的日期没有变化。")
    return redirect(request.path)


@login_required
def evidence_file(request, evidence_id):
    """An evidence file, for whoever may read its report (outside the scope: 404). Always a
    download — never rendered inline, whatever it contains: only the types the upload accepts
    (found in the bytes) are served, under a name ending in that type's extension (a "x.html"
    that is really a PDF is saved as "x.pdf"); cfcity.headers adds the sandbox policy."""
    from django.http import FileResponse

    from .models import Evidence
    evidence = access.get_for_user(request.user, Evidence.objects.select_related("report"),
                                   field="report__org_unit", pk=evidence_id)
    extension = workflow.ALLOWED_EVIDENCE.get(evidence.content_type)
    if extension is None:
        raise Http404("该文件的类型不在允许下载的范围内，请联系管理员")
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件已不在存储中，请联系管理员")
    return FileResponse(handle, as_attachment=True,
                        filename=workflow.download_name(evidence.original_name, extension),
                        content_type=evidence.content_type)
