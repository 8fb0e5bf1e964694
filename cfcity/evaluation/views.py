"""Evaluation pages: the rounds, a round's checklist, scoring one task, the summary beside the
engine and its Word/Excel downloads. Thin: rules in ``services``, numbers in ``summary``."""
from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cfcity.accounts import access
from cfcity.plans import models as pm

from . import exports, services, summary
from .forms import ItemForm, RoundForm
from .models import Item, Score

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _managed_plans(user):
    plans = access.visible_plans(user, pm.Plan.objects.select_related("area"))
    return pm.Plan.objects.filter(pk__in=[p.pk for p in plans if services.can_manage(user, p)])


@login_required
def index(request):
    if not services.can_view(request.user):
        raise PermissionDenied("您的角色不能查看评估")
    plans = _managed_plans(request.user)
    form = RoundForm(request.POST or None, plans=plans)
    if request.method == "POST":
        if not plans.exists():
            raise PermissionDenied("只有协调员可以设立评估")
        if form.is_valid():
            try:
                r = services.create_round(form.cleaned_data["plan"], name=form.cleaned_data["name"],
                                          year=form.cleaned_data["year"], actor=request.user)
                messages.success(request, f"已设立“{r}”，请添加评估细则。")
                return redirect("evaluation:round", r.pk)
            except services.EvaluationError as e:
                form.add_error("year", str(e))
    return render(request, "evaluation/index.html", {
        "rounds": services.rounds_for(request.user), "form": form if plans.exists() else None},
        status=422 if form.errors else 200)


@login_required
def round_detail(request, pk):
    r = services.get_round(request.user, pk)
    can_manage = services.can_manage(request.user, r.plan)
    form = ItemForm(request.POST or None, plan=r.plan)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("只有协调员可以修改评估细则")
        if form.is_valid():
            try:
                services.add_item(r, actor=request.user, **form.cleaned_data)
                messages.success(request, "已添加评估细则。")
                return redirect("evaluation:round", r.pk)
            except services.EvaluationError as e:
                form.add_error(None, str(e))
    tasks = list(pm.Task.objects.filter(plan=r.plan).select_related("action").order_by("number"))
    items = list(r.items.select_related("task"))
    done = {}
    for task_id in Score.objects.filter(round=r).values_list("task_id", flat=True):
        done[task_id] = done.get(task_id, 0) + 1
    rows = [(t, done.get(t.pk, 0), len(services.items_for(r, t, items))) for t in tasks]
    return render(request, "evaluation/round.html", {
        "round": r, "items": items, "weight_total": sum(i.weight for i in items), "form": form,
        "can_manage": can_manage and not r.closed, "can_score": services.can_score(request.user, r.plan),
        "rows": rows}, status=422 if form.errors else 200)


@login_required
@require_POST
def delete_item(request, pk, item_id):
    r = services.get_round(request.user, pk)
    item = get_object_or_404(Item, pk=item_id, round=r)
    try:
        services.remove_item(item, actor=request.user)
        messages.success(request, "已删除该评估细则。")
    except services.EvaluationError as e:
        messages.error(request, str(e))
    return redirect("evaluation:round", r.pk)


@login_required
@require_POST
def close(request, pk):
    r = services.get_round(request.user, pk)
    try:
        services.close_round(r, actor=request.user)
        messages.success(request, "评估已关闭，评分已锁定。")
    except services.EvaluationError as e:
        messages.error(request, str(e))
    return redirect("evaluation:round", r.pk)


@login_required
def score_task(request, pk, task_id):
    r = services.get_round(request.user, pk)
    task = get_object_or_404(pm.Task.objects.select_related("action__domain"), pk=task_id, plan=r.plan)
    items = services.items_for(r, task, list(r.items.all()))
    existing = {s.item_id: s for s in Score.objects.filter(round=r, task=task).select_related("scored_by")}
    errors: dict[int, str] = {}
    posted = {}
    if request.method == "POST":
        if not services.can_score(request.user, r.plan):
            raise PermissionDenied("只有第三方评估人员可以评分")
        for item in items:
            raw = request.POST.get(f"value-{item.pk}", "").strip()
            posted[item.pk] = {"value": raw, "comment": request.POST.get(f"comment-{item.pk}", ""),
                               "evidence": request.POST.get(f"evidence-{item.pk}", "")}
            if raw == "":
                continue  # not scored yet
            try:
                services.score(r, item, task, value=raw, comment=posted[item.pk]["comment"],
                               evidence=posted[item.pk]["evidence"], actor=request.user)
            except services.EvaluationError as e:
                errors[item.pk] = str(e)
        if not errors:
            messages.success(request, f"已保存对{task}的评分。")
            return redirect("evaluation:task", r.pk, task.pk)
        messages.error(request, "部分评分没有保存，请按提示修改。")
    lines = [{"item": i, "score": existing.get(i.pk), "posted": posted.get(i.pk), "error": errors.get(i.pk)}
             for i in items]
    line = next((t for t in summary.build(r).tasks if t.task.pk == task.pk), None)
    return render(request, "evaluation/task.html", {
        "round": r, "task": task, "lines": lines, "line": line,
        "can_score": services.can_score(request.user, r.plan) and not r.closed,
        "reports_url": f"/dashboard/{r.plan_id}/tasks/{task.pk}/"}, status=422 if errors else 200)


@login_required
def summary_page(request, pk):
    r = services.get_round(request.user, pk)
    s = summary.build(r)
    return render(request, "evaluation/summary.html", {"round": r, "s": s, "verdicts": summary.VERDICTS})


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    resp = HttpResponse(data, content_type=content_type)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return resp


@login_required
def summary_docx(request, pk):
    r = services.get_round(request.user, pk)
    return _download(exports.docx(summary.build(r)), DOCX, f"{r.name}（{r.year}年）评估结果.docx")


@login_required
def summary_xlsx(request, pk):
    r = services.get_round(request.user, pk)
    return _download(exports.xlsx_bytes(summary.build(r)), XLSX, f"{r.name}（{r.year}年）评估结果.xlsx")
