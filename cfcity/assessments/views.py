"""Child impact assessment pages (signed in). Thin: objects through services.visible_assessments,
every change through services."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import content_disposition_header

from cfcity.accounts import access
from cfcity.orgs.models import OrgUnit
from cfcity.orgs.tree import descendant_ids
from cfcity.plans import models as pm
from cfcity.reporting import workflow

from . import export, services
from .forms import ConcludeForm, ConditionForm, ConsultationForm, CriterionForm, RegisterForm, ResponseForm
from .models import Condition, Criterion, ImpactAssessment, Score

A = ImpactAssessment


def _plan(user):
    plan = access.visible_plans(user, pm.Plan.objects.exclude(area=None)).order_by("-date", "-pk").first()
    if plan is None or not services.may_open(user, plan):
        raise Http404("没有找到，或您无权查看")
    return plan


def _assessment(user, assessment_id) -> ImpactAssessment:
    a = (ImpactAssessment.objects.filter(plan__in=access.visible_plans(user, pm.Plan.objects.all()))
         .select_related("plan", "responsible_unit").filter(pk=assessment_id).first())
    if a is None or not services.visible_assessments(user, a.plan).filter(pk=a.pk).exists():
        raise Http404("没有找到该评价，或您无权查看")
    return a


@login_required
def assessment_list(request):
    plan = _plan(request.user)
    rows = services.visible_assessments(request.user, plan).select_related("responsible_unit")
    state, kind, unit = request.GET.get("state", ""), request.GET.get("kind", ""), request.GET.get("unit", "")
    if state in A.State.values:
        rows = rows.filter(state=state)
    if kind in A.Kind.values:
        rows = rows.filter(kind=kind)
    if unit.isascii() and unit.isdigit() and len(unit) < 12:
        rows = rows.filter(responsible_unit_id=int(unit))
    units = OrgUnit.objects.filter(pk__in=services.visible_assessments(request.user, plan)
                                   .values("responsible_unit_id")).order_by("order", "name")
    rows = list(rows)
    for a in rows:
        a.shown_total = services.total(a)
    return render(request, "assessments/list.html", {
        "plan": plan, "rows": rows, "state": state, "kind": kind, "unit": unit, "states": A.State.choices,
        "kinds": A.Kind.choices, "units": units, "can_register": services.can_register(request.user, plan),
        "can_criteria": services.can_manage_criteria(request.user, plan)})


@login_required
def assessment_new(request):
    plan = _plan(request.user)
    if not services.can_register(request.user, plan):
        raise PermissionDenied("您无权登记儿童影响评价事项")
    units = services.register_units(request.user, plan).order_by("kind", "order", "name")
    form = RegisterForm(request.POST if request.method == "POST" else None, units=units)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            a = services.register(request.user, plan, title=d["title"], kind=d["kind"],
                                  responsible_unit=d["responsible_unit"], decision_maker=d["decision_maker"],
                                  description=d["description"], registered_on=d["registered_on"], due_on=d["due_on"])
        except services.AssessmentError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, "评价事项已登记，请按评价清单评分并征求儿童意见。")
            return redirect("assessments:detail", a.pk)
    return render(request, "assessments/form.html", {"form": form, "plan": plan},
                  status=400 if form.errors else 200)


def _area_units(a):
    return OrgUnit.objects.filter(pk__in=descendant_ids([a.area_id])).exclude(pk=a.area_id).order_by(
        "kind", "order", "name")


def _space_url(space):
    try:
        return reverse("spaces:detail", args=[space.pk])
    except NoReverseMatch:
        return None


def _scores_from(request, a):
    entries = []
    for c in services.criteria(a.plan):
        upload = request.FILES.get(f"file_{c.pk}")
        entries.append({"criterion": c, "score": request.POST.get(f"score_{c.pk}", ""),
                        "evidence": request.POST.get(f"evidence_{c.pk}", ""),
                        "file": (upload.name, upload.read()) if upload else None})
    return entries


def _spaces_from(request, a):
    from cfcity.spaces.models import Space
    ids = [int(x) for x in request.POST.getlist("space") if x.isascii() and x.isdigit() and len(x) < 12]
    found = list(Space.objects.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise services.AssessmentError("所选空间不存在")
    return found


@login_required
def assessment_detail(request, assessment_id):
    a = _assessment(request.user, assessment_id)
    user, plan = request.user, a.plan
    can_assess, can_respond = services.can_assess(user, plan), services.can_respond(user, a)
    can_follow = services.can_follow(user, a)
    forms = {"consult": ConsultationForm(prefix="consult"),
             "condition": ConditionForm(units=_area_units(a), prefix="condition"),
             "conclude": ConcludeForm(prefix="conclude"), "respond": ResponseForm(prefix="respond")}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "scores":
                saved = services.save_scores(user, a, _scores_from(request, a))
                messages.success(request, f"已保存 {len(saved)} 项评分。" if saved else "没有填写新的评分。")
                return redirect(request.path)
            if action in ("consult", "condition", "conclude", "respond"):
                if not (can_assess if action != "respond" else can_respond):
                    raise PermissionDenied("您无权进行此操作")
                kw = {"units": _area_units(a)} if action == "condition" else {}
                form = {"consult": ConsultationForm, "condition": ConditionForm, "conclude": ConcludeForm,
                        "respond": ResponseForm}[action](request.POST, prefix=action, **kw)
                forms[action] = form
                if form.is_valid():
                    d = form.cleaned_data
                    if action == "consult":
                        services.record_consultation(user, a, date=d["date"], method=d["method"],
                                                     children=d["children"], age_bands=d["age_bands"],
                                                     summary=d["summary"])
                        messages.success(request, "征求儿童意见情况已记录。")
                    elif action == "condition":
                        services.add_condition(user, a, text=d["text"], unit=d["unit"], due_on=d["due_on"])
                        messages.success(request, "整改要求已添加。")
                    elif action == "conclude":
                        services.conclude(user, a, finding=d["finding"], conclusion=d["conclusion"], on=d["on"])
                        messages.success(request, "评价结论已作出，请责任单位登记决策机关的反馈。")
                    else:
                        services.respond(user, a, decision=d["decision"], text=d["text"], date=d["date"])
                        messages.success(request, "决策反馈已登记。")
                    return redirect(request.path)
                status = 400
            elif action in ("met", "unmet"):
                row = get_object_or_404(Condition, pk=_int(request.POST.get("condition")), assessment=a)
                services.set_condition_met(user, row, action == "met")
                messages.success(request, "落实情况已更新。")
                return redirect(request.path)
            elif action == "withdraw":
                services.withdraw(user, a, request.POST.get("reason", ""))
                messages.success(request, "评价事项已撤回。")
                return redirect(request.path)
            elif action == "link":
                services.link_spaces(user, a, _spaces_from(request, a))
                messages.success(request, "已关联儿童友好空间。")
                return redirect(request.path)
            elif action == "unlink":
                space = get_object_or_404(a.spaces.all(), pk=_int(request.POST.get("space")))
                services.unlink_space(user, a, space)
                messages.success(request, "已取消关联。")
                return redirect(request.path)
            else:
                status = 400
        except services.AssessmentError as e:
            messages.error(request, str(e))
            return redirect(request.path)
    scores = {s.criterion_id: s for s in a.scores.all()}
    if a.open:
        checklist = [(c, scores.get(c.pk)) for c in services.criteria(plan)]
    else:
        checklist = [(s.criterion, s) for s in services.current_scores(a)]
    linkable = []
    if can_follow and a.state != A.State.WITHDRAWN:
        from cfcity.spaces.models import Space
        linkable = list(Space.objects.filter(area_id=a.area_id).exclude(pk__in=a.spaces.values("pk"))
                        .order_by("name")[:500])
    spaces = [(s, _space_url(s)) for s in a.spaces.select_related("kind")]
    return render(request, "assessments/detail.html", {
        "a": a, "checklist": checklist, "total": services.total(a), "consultations": a.consultations.all(),
        "conditions": a.conditions.select_related("unit"), "response": getattr(a, "response", None)
        if hasattr(a, "response") else None, "spaces": spaces, "linkable": linkable,
        "can_assess": can_assess, "can_respond": can_respond, "can_follow": can_follow, "forms": forms,
        "children": sum(c.children for c in a.consultations.all())}, status=status)


def _int(value) -> int:
    value = str(value or "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else 0


@login_required
def assessment_export(request, assessment_id):
    a = _assessment(request.user, assessment_id)
    response = HttpResponse(export.build(a), content_type="application/vnd.openxmlformats-officedocument."
                                                          "wordprocessingml.document")
    response["Content-Disposition"] = content_disposition_header(True, f"{a.title}儿童影响评价报告.docx")
    return response


@login_required
def evidence_file(request, score_id):
    row = get_object_or_404(Score.objects.exclude(evidence_file=""), pk=score_id)
    _assessment(request.user, row.assessment_id)  # 404 unless the assessment is visible
    extension = workflow.ALLOWED_EVIDENCE.get(row.evidence_type)
    if extension is None:
        raise Http404("该文件的类型不在允许下载的范围内")
    try:
        handle = row.evidence_file.open("rb")
    except FileNotFoundError:
        raise Http404("文件已不在存储中，请联系管理员")
    return FileResponse(handle, as_attachment=True, content_type=row.evidence_type,
                        filename=workflow.download_name(row.evidence_name, extension))


@login_required
def criteria_page(request):
    plan = _plan(request.user)
    can = services.can_manage_criteria(request.user, plan)
    rows = list(services.criteria(plan, active_only=False))
    new_form = CriterionForm(prefix="new") if can else None
    status = 200
    if request.method == "POST":
        if not can:
            raise PermissionDenied("只有协调员可以修改评价清单")
        action = request.POST.get("action", "")
        try:
            if action == "defaults":
                services.default_criteria(plan)
                messages.success(request, "已建立默认评价清单。")
                return redirect(request.path)
            if action in ("add", "save"):
                row = None
                if action == "save":
                    row = get_object_or_404(Criterion, pk=_int(request.POST.get("criterion")), plan=plan)
                form = CriterionForm(request.POST, prefix="new" if row is None else f"c{row.pk}")
                if form.is_valid():
                    services.save_criterion(request.user, plan, row, **form.cleaned_data)
                    messages.success(request, "评价清单已保存。")
                    return redirect(request.path)
                if row is None:
                    new_form = form
                status = 400
            else:
                status = 400
        except services.AssessmentError as e:
            messages.error(request, str(e))
            return redirect(request.path)
    edit = [(r, CriterionForm.for_row(r)) for r in rows] if can else [(r, None) for r in rows]
    weights = sum(r.weight for r in rows if r.active)
    return render(request, "assessments/criteria.html", {
        "plan": plan, "rows": edit, "can": can, "new_form": new_form, "weights": weights}, status=status)
