"""The public progress site (/public/…): no login, nothing but what was released and
published — the plan (a public document), each target's status and trend as of the latest
release, the published cases. The templates extend public/base.html, which shows no user,
no form and no token, so one page is the same for everyone and may be cached."""
from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from cfcity.accounts import access
from cfcity.cases.models import Case, CaseFile
from cfcity.monitoring.models import STATUS_CHOICES
from cfcity.plans import display
from cfcity.plans import models as pm

from . import charts, services
from .models import PublishedStatus, Release

PUBLIC_CACHE = {"public": True, "max_age": 300}  # five minutes: a release shows up soon enough
STATUS_LABELS = dict(STATUS_CHOICES)
PUBLISHED = Case.Status.PUBLISHED


def _released_plan(plan_id) -> tuple[pm.Plan, Release]:
    plan = get_object_or_404(pm.Plan.objects.select_related("area"), pk=plan_id)
    release = services.latest(plan)
    if release is None:
        raise Http404("该方案还没有公开发布进展")
    return plan, release


def public_page(view):
    return require_safe(cache_control(**PUBLIC_CACHE)(view))


@public_page
def index(request):
    plans = [(p, services.latest(p)) for p in pm.Plan.objects.filter(releases__isnull=False).distinct()
             .select_related("area")]
    return render(request, "public/index.html", {"plans": plans})


@public_page
def plan_page(request, plan_id):
    plan, release = _released_plan(plan_id)
    published = {s.target_id: s for s in PublishedStatus.objects.filter(release=release)}
    domains = []
    for domain in plan.domains.prefetch_related("actions__tasks__targets"):
        actions = []
        for action in domain.actions.all():
            tasks = [{"task": t, "targets": [{"target": g, "text": display.target_text(g),
                                                "status": published.get(g.pk)} for g in t.targets.all()]}
                     for t in action.tasks.all()]
            actions.append({"action": action, "tasks": tasks})
        domains.append({"domain": domain, "actions": actions})
    counts = Counter(s.status for s in published.values())
    return render(request, "public/plan.html", {
        "plan": plan, "release": release, "domains": domains, "bar": charts.status_bar(counts),
        "cases": Case.objects.filter(plan=plan, status=PUBLISHED).count()})


@public_page
def target_page(request, plan_id, target_id):
    plan, release = _released_plan(plan_id)
    target = get_object_or_404(pm.Target.objects.select_related("task"), pk=target_id, plan=plan)
    status = PublishedStatus.objects.filter(release=release, target=target).first()
    history = (PublishedStatus.objects.filter(target=target, release__plan=plan)
               .select_related("release").order_by("release__number"))
    series = status.series if status else []
    value = float(target.value) if target.value is not None else None
    return render(request, "public/target.html", {
        "plan": plan, "release": release, "target": target, "text": display.target_text(target),
        "status": status, "series": series, "chart": charts.line_chart(series, value),
        "history": history, "baseline": display.baseline_text(target)})


@public_page
def case_list(request, plan_id):
    plan, release = _released_plan(plan_id)
    cases = (Case.objects.filter(plan=plan, status=PUBLISHED).select_related("org_unit")
             .prefetch_related("files").order_by("-year", "-published_at"))
    tag = request.GET.get("tag", "")
    if tag:
        cases = [c for c in cases if tag in c.tags]
    return render(request, "public/cases.html", {"plan": plan, "release": release, "cases": cases, "tag": tag})


@public_page
def case_page(request, case_id):
    case = get_object_or_404(Case.objects.select_related("org_unit", "plan"), pk=case_id, status=PUBLISHED)
    photos = case.files.filter(kind=CaseFile.Kind.PHOTO)
    return render(request, "public/case.html", {"case": case, "plan": case.plan, "photos": photos,
                                                "tasks": case.tasks.order_by("number")})


@public_page
def photo(request, file_id):
    """A published case's photo, inline (only the image types, re-encoded on upload)."""
    row = get_object_or_404(CaseFile, pk=file_id, kind=CaseFile.Kind.PHOTO, case__status=PUBLISHED,
                            content_type__in=["image/jpeg", "image/png", "image/webp"])
    try:
        handle = row.file.open("rb")
    except FileNotFoundError:
        raise Http404("照片已不在存储中")
    response = FileResponse(handle, content_type=row.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def releases(request, plan_id):
    """The coordinator's page: the releases so far, and releasing the current statuses."""
    plan = get_object_or_404(access.visible_plans(request.user, pm.Plan.objects.all()), pk=plan_id)
    if not access.can_review_plan(request.user, plan):
        raise PermissionDenied("只有本方案的协调员可以发布公开进展")
    if request.method == "POST":
        try:
            rel = services.release(request.user, plan, label=request.POST.get("label", ""),
                                   note=request.POST.get("note", ""))
        except ValueError as e:
            messages.error(request, str(e))
        else:
            messages.success(request, f"已发布第{rel.number}期（{rel.label}），公开网站现在显示本期数据。")
        return redirect(request.path)
    response = render(request, "public/releases.html", {
        "plan": plan, "releases": Release.objects.filter(plan=plan).order_by("-number"),
        "published_cases": Case.objects.filter(plan=plan, status=PUBLISHED).count()})
    response["Cache-Control"] = "private, no-store"
    return response
