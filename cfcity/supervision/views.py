"""The supervision pages. Thin: who sees what and every step are in ``services``; a finding
out of scope is a 404, a step the role may not take a 403."""
from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cfcity.reporting import workflow

from . import exports, services
from .forms import AnswerForm, FindingForm, InspectionForm, ReviewForm
from .models import Finding, FindingEvidence

S = Finding.Status


def _needs_use(user):
    if not services.may_use(user):
        raise PermissionDenied("您的角色不使用督查整改功能")


def _counts(findings) -> dict:
    today = timezone.localdate()
    out = {s: 0 for s in S.values}
    overdue = 0
    for f in findings:
        out[f.status] += 1
        overdue += f.is_overdue(today)
    return {"by_status": [(S(s).label, n) for s, n in out.items()], "overdue": overdue, "total": len(findings)}


@login_required
def index(request):
    _needs_use(request.user)
    user = request.user
    inspections = list(services.inspections_for(user).select_related("plan").prefetch_related("units"))
    findings = list(services.findings_for(user))
    per = {}
    for f in findings:
        per.setdefault(f.inspection_id, []).append(f)
    rows = [{"inspection": i, **_counts(per.get(i.pk, []))} for i in inspections]
    can_create = any(services.can_supervise(user, p.area_id) for p in services.plans_for(user))
    return render(request, "supervision/index.html", {"rows": rows, "can_create": can_create,
                                                      "totals": _counts(findings)})


def _supervised_plans(user):
    ids = [p.pk for p in services.plans_for(user) if services.can_supervise(user, p.area_id)]
    return services.plans_for(user).filter(pk__in=ids).order_by("pk")


@login_required
@require_http_methods(["GET", "POST"])
def inspection_new(request):
    _needs_use(request.user)
    plans = _supervised_plans(request.user)
    if not plans.exists():
        raise PermissionDenied("只有督查人员和协调员可以登记督查")
    form = InspectionForm(request.POST or None, user=request.user, plans=plans)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            ins = services.create_inspection(user=request.user, plan=d["plan"], kind=d["kind"], title=d["title"],
                                             date=d["date"], units=d["units"], tasks=d["tasks"], team=d["team"],
                                             team_names=d["team_names"], summary=d["summary"])
        except services.SupervisionError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, "督查已登记，请逐项登记发现的问题。")
            return redirect("supervision:inspection", ins.pk)
    return render(request, "supervision/inspection_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def inspection(request, inspection_id):
    _needs_use(request.user)
    ins = services.get_inspection(request.user, inspection_id)
    findings = list(services.findings_for(request.user).filter(inspection=ins).order_by("number"))
    may_add = services.can_supervise(request.user, ins.plan.area_id)
    form = FindingForm(request.POST or None, user=request.user, inspection=ins) if may_add else None
    if request.method == "POST":
        if not may_add:
            raise PermissionDenied("只有督查人员和协调员可以登记问题")
        if form.is_valid():
            d = form.cleaned_data
            try:
                f = services.add_finding(ins, user=request.user, org_unit=d["org_unit"], task=d["task"],
                                         problem=d["problem"], required=d["required"], deadline=d["deadline"],
                                         severity=d["severity"])
            except services.SupervisionError as e:
                form.add_error(None, str(e))
            else:
                messages.success(request, f"已登记问题{f.number}，责任单位可在“督查整改”中看到并报送整改情况。")
                return redirect("supervision:inspection", ins.pk)
    today = timezone.localdate()
    return render(request, "supervision/inspection.html", {
        "ins": ins, "team": exports.team_text(ins), "form": form,
        "rows": [(f, exports.finding_row(f, today)) for f in findings],
        "headers": exports.FINDING_HEADERS, "whole": services.reads_whole_area(request.user)})


@login_required
def inspection_report(request, inspection_id):
    _needs_use(request.user)
    ins = services.get_inspection(request.user, inspection_id)
    if not services.reads_whole_area(request.user):
        raise PermissionDenied("督查通报含其他单位的问题，由协调员下发")
    findings = services.findings_for(request.user).filter(inspection=ins).order_by("number")
    data = exports.inspection_docx(ins, findings)
    return _download(data, f"督查通报-{ins.title}.docx",
                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document")


def _download(data: bytes, name: str, ctype: str) -> HttpResponse:
    r = HttpResponse(data, content_type=ctype)
    r["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return r


@login_required
@require_http_methods(["GET", "POST"])
def finding(request, finding_id):
    _needs_use(request.user)
    user = request.user
    f = services.get_finding(user, finding_id)
    may_answer = services.can_answer(user, f) and f.status in (S.OPEN, S.REOPENED)
    may_review = services.can_supervise(user, f.org_unit_id) and f.status == S.ANSWERED
    answer_form = AnswerForm(request.POST if request.POST.get("action") == "answer" else None)
    review_form = ReviewForm(request.POST if request.POST.get("action") in ("reopen", "close") else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "answer":
                if not services.can_answer(user, f):
                    raise PermissionDenied("只有责任单位的填报人员可以报送整改情况")
                if answer_form.is_valid():
                    files = [(u.name, u.read(services.MAX_EVIDENCE_BYTES + 1)) for u in request.FILES.getlist("files")]
                    services.answer(f, user=user, text=answer_form.cleaned_data["text"], files=files)
                    messages.success(request, "整改情况已报送，等待督查组审核。")
                    return redirect("supervision:finding", f.pk)
            elif action in ("reopen", "close"):
                if not services.can_supervise(user, f.org_unit_id):
                    raise PermissionDenied("只有督查人员和协调员可以审核整改")
                if review_form.is_valid():
                    comment = review_form.cleaned_data["comment"]
                    if action == "reopen":
                        services.reopen(f, user=user, comment=comment)
                        messages.success(request, "已退回责任单位重新整改。")
                    else:
                        services.close(f, user=user, comment=comment)
                        messages.success(request, "整改到位，已销号。")
                    return redirect("supervision:finding", f.pk)
            else:
                raise Http404("没有这个操作")
        except services.SupervisionError as e:
            (answer_form if action == "answer" else review_form).add_error(None, str(e))
    events = list(f.events.select_related("actor").prefetch_related("evidence"))
    return render(request, "supervision/finding.html", {
        "f": f, "events": events, "overdue": f.is_overdue(timezone.localdate()),
        "may_answer": may_answer, "may_review": may_review, "answer_form": answer_form,
        "review_form": review_form, "accept": ",".join(sorted(set(workflow.ALLOWED_EVIDENCE.values())))})


@login_required
def evidence(request, evidence_id):
    _needs_use(request.user)
    try:
        ev = FindingEvidence.objects.get(pk=evidence_id, finding__in=services.findings_for(request.user))
    except FindingEvidence.DoesNotExist:
        raise Http404("没有找到，或您无权查看")
    extension = workflow.ALLOWED_EVIDENCE.get(ev.content_type)
    if extension is None:
        raise Http404("该文件的类型不在允许下载的范围内")
    try:
        handle = ev.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件已不在存储中，请联系管理员")
    return FileResponse(handle, as_attachment=True, filename=workflow.download_name(ev.original_name, extension),
                        content_type=ev.content_type)


def _ledger(request):
    _needs_use(request.user)
    state = request.GET.get("state", "")
    qs = services.findings_for(request.user).prefetch_related("events").order_by(
        "-inspection__date", "inspection_id", "number")
    today = timezone.localdate()
    if state == "overdue":
        qs = [f for f in qs.filter(status__in=(S.OPEN, S.REOPENED)) if f.is_overdue(today)]
    elif state in S.values:
        qs = list(qs.filter(status=state))
    else:
        state, qs = "", list(qs)
    return state, qs, today


@login_required
def ledger(request):
    state, findings, today = _ledger(request)
    states = [("", "全部"), *S.choices, ("overdue", "逾期未整改")]
    return render(request, "supervision/ledger.html", {
        "state": state, "states": states, "headers": exports.LEDGER_HEADERS,
        "rows": [(f, exports.ledger_row(f, today)) for f in findings],
        "xlsx": reverse("supervision:ledger_xlsx") + (f"?state={state}" if state else "")})


@login_required
def ledger_xlsx(request):
    state, findings, today = _ledger(request)
    label = dict([("overdue", "逾期未整改"), *S.choices]).get(state, "")
    data = exports.ledger_xlsx(findings, today=today)
    return _download(data, f"整改台账{('-' + label) if label else ''}-{today:%Y%m%d}.xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
