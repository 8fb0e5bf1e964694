"""The coordinator's report pages: a plan's reports (the form that starts one, the jobs made
so far), a job's progress (polled as JSON by the page, or refreshed without JavaScript), and
the download. Only the plan's coordinators (``access.can_review_plan``) get in: a plan the
user does not work under is a 404, one they work under without that right a 403."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cfcity.accounts import access
from cfcity.plans import models as pm

from . import jobs, reports
from .models import Job
from .reports.common import QUARTERS

DENIED = "只有本地区的协调员可以生成和下载监测报告"
SHOWN_JOBS = 50


def _plans(user):
    return access.visible_plans(user, pm.Plan.objects.select_related("area"))


def _plan_for(user, plan_id) -> pm.Plan:
    plan = get_object_or_404(_plans(user), pk=plan_id)
    if not access.can_review_plan(user, plan):
        raise PermissionDenied(DENIED)
    return plan


def _job_for(user, job_id) -> Job:
    job = get_object_or_404(Job.objects.select_related("plan", "created_by"), pk=job_id)
    if job.plan is None or not _plans(user).filter(pk=job.plan_id).exists():
        raise Http404("没有找到，或您无权查看")
    if not access.can_review_plan(user, job.plan):
        raise PermissionDenied(DENIED)
    return job


def describe(job: Job) -> str:
    """“2025年 · 年度监测报告 · Word” for lists."""
    p = job.params or {}
    when = f"{p.get('year', '')}年"
    if job.kind == "bulletin" and p.get("quarter"):
        when += f"第{QUARTERS[int(p['quarter']) - 1]}季度"
    fmt = {"docx": "Word", "xlsx": "Excel", "pdf": "PDF"}.get(p.get("format"), p.get("format", ""))
    return f"{when} · {reports.KINDS.get(job.kind, job.kind)} · {fmt}"


def _years(plan) -> list[int]:
    today = timezone.localdate()
    start = plan.period_start or plan.period_end or today.year
    end = min(plan.period_end or today.year, today.year)
    return list(range(end, start - 1, -1)) or [today.year]


def _defaults(plan) -> dict:
    today = timezone.localdate()
    years = _years(plan)
    quarter = (today.month - 1) // 3 + 1
    return {"kind": "annual", "year": years[0], "quarter": quarter if years[0] == today.year else 4,
            "format": "docx"}


@login_required
def index(request):
    """The plans whose reports the user may make; straight to the plan when there is one."""
    plans = [p for p in _plans(request.user).order_by("-date", "-pk") if access.can_review_plan(request.user, p)]
    if not plans:
        raise PermissionDenied(DENIED)
    if len(plans) == 1:
        return redirect("monitoring_reports:plan", plan_id=plans[0].pk)
    return render(request, "monitoring/reports/index.html", {"plans": plans})


@login_required
@require_http_methods(["GET", "POST"])
def plan_reports(request, plan_id):
    plan = _plan_for(request.user, plan_id)
    error = None
    posted = _defaults(plan)
    if request.method == "POST":
        posted = {k: request.POST.get(k, "").strip()[:20] for k in ("kind", "year", "quarter", "format")}
        params = {"year": posted["year"], "format": posted["format"]}
        if posted["kind"] == "bulletin":
            params["quarter"] = posted["quarter"]
        try:
            job = jobs.start(posted["kind"], params, plan, request.user)
        except reports.ReportError as e:
            error = str(e)
        else:
            return redirect("monitoring_reports:job", job_id=job.pk)
    shown = list(Job.objects.filter(plan=plan).select_related("created_by")[:SHOWN_JOBS])
    for job in shown:
        job.description = describe(job)
        job.stale = jobs.is_stale(job)
    return render(request, "monitoring/reports/plan.html", {
        "plan": plan, "jobs": shown, "error": error, "posted": posted, "years": _years(plan),
        "quarters": [(i, f"第{q}季度") for i, q in enumerate(QUARTERS, 1)],
        "kinds": list(reports.KINDS.items()), "formats": reports.FORMAT_LABELS,
        "formats_by_kind": {k: list(v) for k, v in reports.FORMATS.items()},
    }, status=422 if error else 200)


def _state(job: Job) -> dict:
    finished = job.status in (Job.Status.DONE, Job.Status.FAILED)
    return {
        "id": job.pk, "kind": job.kind, "description": describe(job), "status": job.status,
        "status_label": job.get_status_display(), "progress": job.progress, "message": job.message,
        "error": job.error, "finished": finished, "stale": jobs.is_stale(job), "filename": job.filename,
        "download_url": reverse("monitoring_reports:download", args=[job.pk])
        if job.status == Job.Status.DONE else None,
    }


@login_required
@require_GET
def job_page(request, job_id):
    job = _job_for(request.user, job_id)
    return render(request, "monitoring/reports/job.html", {"job": job, "plan": job.plan, "state": _state(job)})


@login_required
@require_GET
def job_json(request, job_id):
    job = _job_for(request.user, job_id)
    response = JsonResponse(_state(job), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def download(request, job_id):
    job = _job_for(request.user, job_id)
    if job.status != Job.Status.DONE or not job.file:
        raise Http404("报告尚未生成完成")
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404("报告文件已不存在，请重新生成") from None
    fmt = (job.params or {}).get("format", "")
    response = FileResponse(handle, as_attachment=True, filename=job.filename or job.file.name.rsplit("/", 1)[-1],
                            content_type=reports.CONTENT_TYPES.get(fmt, "application/octet-stream"))
    response["Cache-Control"] = "private, no-store"
    return response
