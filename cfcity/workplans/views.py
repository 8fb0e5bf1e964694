"""Work plan pages: the year's list, one work plan (edit, review, progress, spending), the
yearly breakdown of a target, and the children's budget. Thin: objects through the access
layer, changes through services."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from cfcity.accounts import access
from cfcity.orgs.models import OrgUnit
from cfcity.plans import models as pm
from cfcity.reporting.models import Assignment

from . import breakdown as bd
from . import services
from .models import BudgetLine, Status, WorkPlan

EXTRA_ROWS = 2  # blank milestone and budget rows offered on the form
REVIEW_STEPS = {
    "approve": (services.approve, "已审核通过，报送协调员。"),
    "return": (services.return_plan, "已退回编制单位。"),
    "accept": (services.accept, "已采纳。"),
}


def _id(raw) -> int:
    raw = raw or ""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else -1


def _plan_and_year(request):
    plans = access.visible_plans(request.user, pm.Plan.objects.all()).order_by("-date", "-pk")
    plan = plans.filter(pk=_id(request.GET.get("plan"))).first() if request.GET.get("plan") else plans.first()
    if plan is None:
        return None, None, []
    years = list(range(plan.period_start, plan.period_end + 1)) if plan.period_start and plan.period_end else []
    year = _id(request.GET.get("year")) if request.GET.get("year") else timezone.localdate().year
    if years and year not in years:
        year = min(max(year, years[0]), years[-1]) if year > 0 else years[0]
    return plan, year, years


@login_required
def index(request):
    plan, year, years = _plan_and_year(request)
    if plan is None:
        return render(request, "workplans/index.html", {"plan": None})
    plans = access.visible_to(request.user, WorkPlan.objects.filter(plan=plan, year=year)).select_related("org_unit")
    started = {wp.org_unit_id for wp in plans}
    # units in scope that owe a work plan (lead departments, towns sharing a target) but have
    # not started one; a co-operating unit may draft one too, it is not chased for it
    owing = (access.visible_to(request.user, OrgUnit.objects.filter(pk__in=Assignment.objects.filter(
        task__plan=plan, role__in=[Assignment.Role.LEAD, Assignment.Role.SHARE]).values("org_unit")), "pk")
        .exclude(pk__in=started).order_by("kind", "name"))
    m = access.membership(request.user)
    mine = m and services.can_edit(request.user, WorkPlan(org_unit_id=m.org_unit_id)) and \
        Assignment.objects.filter(task__plan=plan, org_unit_id=m.org_unit_id).exists()
    targets = []
    if m and access.can_review_plan(request.user, plan) or request.user.is_superuser:
        for t in pm.Target.objects.filter(plan=plan, kind__in=bd.ADDITIVE, year_shares__isnull=False).distinct() \
                .order_by("task__number", "order"):
            targets.append(bd.breakdown(t))
    counts = {}
    for wp in plans:
        counts[wp.get_status_display()] = counts.get(wp.get_status_display(), 0) + 1
    return render(request, "workplans/index.html", {
        "plan": plan, "year": year, "years": years, "work_plans": plans, "owing": owing, "counts": counts,
        "can_open": mine and m.org_unit_id not in started, "targets": targets, "today": timezone.localdate(),
    })


@login_required
def open_plan(request):
    if request.method != "POST":
        return redirect("workplans:index")
    m = access.membership(request.user)
    plan = get_object_or_404(access.visible_plans(request.user, pm.Plan.objects.all()), pk=_id(request.POST.get("plan")))
    if m is None:
        raise PermissionDenied("您不属于任何单位")
    try:
        wp = services.open_work_plan(plan, m.org_unit, _id(request.POST.get("year")), user=request.user)
    except services.ReportingError as e:
        messages.error(request, str(e))
        return redirect("workplans:index")
    return redirect("workplans:detail", wp.pk)


def _rows_from_post(post, prefix, fields):
    rows, i = [], 0
    count = min(_id(post.get(f"{prefix}-count")), 200)
    for i in range(max(count, 0)):
        rows.append({f: post.get(f"{prefix}-{i}-{f}", "") for f in fields})
    return rows


def _context(request, wp, problems=None, posted=None):
    user = request.user
    errors: dict[str, list[str]] = {}
    for p in problems or []:
        errors.setdefault(p.field, []).append(p.message)
    items = list(wp.items.select_related("task").order_by("task__number"))
    shares = list(wp.shares.select_related("target").prefetch_related("towns").order_by("target__task__number", "target__order"))
    towns = list(OrgUnit.objects.filter(parent_id=wp.plan.area_id, kind=OrgUnit.Kind.TOWN).order_by("name"))
    for it in items:
        it.errors = errors.get(f"measures-{it.task_id}", [])
        it.shown = posted.get(f"measures-{it.task_id}", "") if posted else it.measures
        it.share_list = [s for s in shares if s.target.task_id == it.task_id]
    for s in shares:
        s.errors = errors.get(f"share-{s.target_id}", []) + errors.get(f"towns-{s.target_id}", [])
        s.shown = posted.get(f"share-{s.target_id}", "") if posted else ("" if s.value is None else bd.num(s.value))
        s.town_ids = {_id(x) for x in posted.getlist(f"towns-{s.target_id}")} if posted else {t.pk for t in s.towns.all()}
        s.add_up = bd.breakdown(s.target, unit_ids=set()) if s.target.kind in bd.ADDITIVE else None
    if posted:
        ms = _rows_from_post(posted, "ms", ["title", "due", "task", "done"])
        bl = _rows_from_post(posted, "bl", ["task", "item", "source", "planned"])
    else:
        ms = [{"title": m.title, "due": m.due.isoformat(), "task": str(m.task_id or ""), "done": "1" if m.done else "",
               "pk": m.pk} for m in wp.milestones.all()]
        bl = [{"task": str(b.task_id), "item": b.item, "source": b.source, "planned": bd.num(b.planned)}
              for b in wp.budget_lines.all()]
        ms += [{"title": "", "due": "", "task": "", "done": ""} for _ in range(EXTRA_ROWS)]
        bl += [{"task": "", "item": "", "source": "", "planned": ""} for _ in range(EXTRA_ROWS)]
    for i, r in enumerate(ms):
        r["i"] = i
        r["errors"] = errors.get(f"ms-{i}-title", []) + errors.get(f"ms-{i}-due", [])
    for i, r in enumerate(bl):
        r["i"] = i
        r["errors"] = [e for f in ("task", "item", "source", "planned") for e in errors.get(f"bl-{i}-{f}", [])]
    lines = list(wp.budget_lines.select_related("task"))
    for line in lines:
        line.errors = errors.get(f"spent-{line.pk}", [])
    known = {f"measures-{i.task_id}" for i in items} | {f"share-{s.target_id}" for s in shares} | \
        {f"towns-{s.target_id}" for s in shares}
    general = [m for f, ms_ in errors.items() if f not in known and not f.startswith(("ms-", "bl-", "spent-"))
               for m in ms_]
    can_edit = wp.editable and services.can_edit(user, wp)
    return {
        "wp": wp, "items": items, "shares": shares, "towns": towns, "ms_rows": ms, "bl_rows": bl,
        "lines": lines, "sources": BudgetLine.Source.choices, "problems": problems or [],
        "general_errors": general, "events": wp.events.select_related("actor"),
        "progress": bd.progress(wp), "can_edit": can_edit,
        "can_spend": services.can_edit(user, wp) and bool(lines),
        "can_approve": wp.status == Status.SUBMITTED and services.can_approve(user, wp),
        "can_review": wp.status in (Status.APPROVED, Status.SUBMITTED) and services.can_review(user, wp),
        "can_accept": wp.status == Status.APPROVED and services.can_review(user, wp),
        "posted": posted, "total_planned": sum((b.planned for b in lines), 0),
        "total_spent": sum((b.spent for b in lines), 0),
    }


@login_required
def detail(request, wp_id):
    wp = access.get_for_user(request.user, WorkPlan.objects.select_related("plan", "org_unit"), pk=wp_id)
    if request.method != "POST":
        return render(request, "workplans/detail.html", _context(request, wp))
    action, post = request.POST.get("action", "save"), request.POST
    try:
        if action in ("save", "submit"):
            item_ids = list(wp.items.values_list("task_id", flat=True))
            target_ids = list(wp.shares.values_list("target_id", flat=True))
            wp = services.save_work_plan(
                wp, user=request.user, version=_id(post.get("version")), summary=post.get("summary", ""),
                measures={t: post.get(f"measures-{t}", "") for t in item_ids},
                shares={t: post.get(f"share-{t}", "") for t in target_ids},
                towns={t: [_id(x) for x in post.getlist(f"towns-{t}")] for t in target_ids},
                milestones=[services.MilestoneRow(r["title"], r["due"], _id(r["task"]), bool(r["done"]))
                            for r in _rows_from_post(post, "ms", ["title", "due", "task", "done"])],
                budget=[services.BudgetRow(_id(r["task"]), r["item"], r["source"], r["planned"])
                        for r in _rows_from_post(post, "bl", ["task", "item", "source", "planned"])])
            if action == "submit":
                wp = services.submit(wp, user=request.user)
                messages.success(request, "已报送。")
            else:
                messages.success(request, "已保存。")
        elif action in REVIEW_STEPS:
            step, done = REVIEW_STEPS[action]
            step(wp, user=request.user, comment=post.get("comment", ""))
            messages.success(request, done)
        elif action == "spending":
            line = get_object_or_404(BudgetLine, pk=_id(post.get("line")), work_plan=wp)
            services.report_spending(line, user=request.user, spent=post.get("spent", ""), note=post.get("note", ""))
            messages.success(request, "支出已更新。")
        else:
            raise services.ReportingError("未知的操作")
    except services.Invalid as e:
        wp.refresh_from_db()
        keep = action in ("save", "submit") and not wp.version != _id(post.get("version"))
        return render(request, "workplans/detail.html", _context(request, wp, e.problems, post if keep else None),
                      status=422)
    except services.Conflict as e:
        messages.error(request, str(e))
    except services.ReportingError as e:
        messages.error(request, str(e))
    return redirect("workplans:detail", wp.pk)


@login_required
def target_breakdown(request, target_id):
    plans = access.visible_plans(request.user, pm.Plan.objects.all())
    target = get_object_or_404(pm.Target.objects.select_related("plan", "task"), pk=target_id, plan__in=plans)
    ids = access.scope_ids(request.user)
    result = bd.breakdown(target, unit_ids=ids)
    return render(request, "workplans/target.html", {"target": target, "b": result,
                                                     "partial": ids is not access.ALL and len(result.rows) < len(
                                                         {r for r in target.year_shares.filter(value__isnull=False)
                                                          .values_list("work_plan__org_unit_id", flat=True)})})


@login_required
def budget_view(request):
    plan, year, years = _plan_and_year(request)
    if plan is None:
        raise Http404("没有可查看的行动方案")
    tables = bd.budget(bd.lines_visible(request.user, plan), year)
    return render(request, "workplans/budget.html", {"plan": plan, "year": year, "years": years, "t": tables})
