"""Children's council pages (signed in). Thin: objects through services.visible_*, every change
through the services. No page, list or export shows a member's real name: only the member
page, after a POST with a reason (services.reveal_name), to the council's own unit."""
from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from cfcity.accounts import access
from cfcity.monitoring.models import Judgement
from cfcity.orgs.models import OrgUnit
from cfcity.orgs.tree import descendant_ids
from cfcity.plans import models as pm
from cfcity.reporting import workflow

from . import measures, services
from .forms import (AdviserForm, AnswerForm, CloseForm, CouncilEditForm, CouncilForm, MeetingForm, MemberEditForm,
                    MemberForm, ProposalForm, RevealForm, RouteForm)
from .models import ChildrenCouncil, CouncilMeeting, CouncilMember, Proposal

S = Proposal.State
L = ChildrenCouncil.Level


def _plan(user):
    return access.visible_plans(user, pm.Plan.objects.filter(area__isnull=False)).order_by("-date", "-pk").first()


def _council(user, council_id):
    try:
        return services.visible_councils(user).select_related("org_unit", "area").get(pk=council_id)
    except ChildrenCouncil.DoesNotExist:
        raise Http404("没有找到该儿童议事会，或您无权查看")


def _bad(request, e):
    messages.error(request, str(e))


@login_required
def index(request):
    user = request.user
    plan = _plan(user)
    councils = list(services.visible_councils(user).select_related("org_unit", "org_unit__parent"))
    today = timezone.localdate()
    active = measures.active_ids([c.pk for c in councils], today)
    for c in councils:
        c.active_now = c.pk in active
    groups = [(label, [c for c in councils if c.level == value]) for value, label in L.choices]
    figures = judgement = target = None
    if plan is not None:
        figures = measures.figures(plan.area_id, today)
        bound = measures.bound_targets(plan)
        target = bound[0] if bound else None
        judgement = Judgement.objects.filter(target=target).select_related("judged_by").first() if target else None
    m = access.membership(user)
    can_create = bool(_creatable_units(user).exists()) if m or user.is_superuser else False
    return render(request, "councils/index.html", {
        "plan": plan, "groups": groups, "figures": figures, "target": target, "judgement": judgement,
        "can_judge": plan is not None and services.is_coordinator(user, plan.area_id) and target is not None,
        "can_create": can_create, "rule_members": measures.ACTIVE_MIN_MEMBERS,
        "village_share": measures.village_share(),
        "to_answer": services.visible_proposals(user).filter(
            state=S.ROUTED, routed_to_id__in=_answer_ids(user)).count()})


def _answer_ids(user):
    ids = services.answer_units(user)
    return OrgUnit.objects.values_list("pk", flat=True) if ids is access.ALL else ids


def _creatable_units(user):
    m = access.membership(user)
    kinds = list(services.LEVEL_OF_KIND)
    if user.is_superuser and user.is_active:
        return OrgUnit.objects.filter(kind__in=kinds, active=True)
    if m is None or not services._writer(user):
        return OrgUnit.objects.none()
    area = services._area_of(m.org_unit)
    if services.is_coordinator(user, area.pk) or services.in_lead_department(user, area.pk):
        ids = descendant_ids([area.pk])
    else:
        own = services.own_unit_ids(user)
        ids = own if own is not access.ALL else None
    qs = OrgUnit.objects.filter(kind__in=kinds, active=True)
    return qs if ids is None else qs.filter(pk__in=ids)


@login_required
def council_new(request):
    units = _creatable_units(request.user).order_by("kind", "order", "name")
    if not units.exists():
        raise PermissionDenied("您的角色不能登记儿童议事会")
    form = CouncilForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            council = services.create_council(request.user, org_unit=d["org_unit"], name=d["name"],
                                              founded_on=d["founded_on"], note=d["note"])
        except services.CouncilError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, "儿童议事会已登记，请登记成员、辅导员和会议。")
            return redirect("councils:detail", council.pk)
    return render(request, "councils/new.html", {"form": form}, status=400 if form.errors else 200)


ADD = {"member": MemberForm, "adviser": AdviserForm, "meeting": MeetingForm, "proposal": ProposalForm,
       "save": CouncilEditForm}
DONE = {"member": "成员已登记。", "adviser": "辅导员已登记。", "meeting": "会议已记录。", "proposal": "建议已登记，可以交办答复单位。",
        "save": "已保存。"}


def _forms(council, data=None, files=None, which=None):
    out = {}
    for key, cls in ADD.items():
        kwargs = {"council": council} if cls is ProposalForm else {}
        bound = data if key == which else None
        if key == "save" and bound is None:
            kwargs["initial"] = {"name": council.name, "founded_on": council.founded_on, "note": council.note}
        if key == "proposal" and bound is None:
            kwargs["initial"] = {"submitted_on": timezone.localdate()}
        out[key] = cls(bound, files if key == which else None, prefix=key, **kwargs)
    return out


@login_required
def council_detail(request, council_id):
    council = _council(request.user, council_id)
    can_manage = services.can_manage(request.user, council)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    forms = _forms(council, request.POST, request.FILES, action) if can_manage else {}
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("您无权修改该儿童议事会")
        form = forms.get(action)
        if form is None:
            status = 400
        elif form.is_valid():
            try:
                result = _add(request.user, council, action, form.cleaned_data)
            except services.CouncilError as e:
                form.add_error(None, str(e))
                status = 400
            else:
                messages.success(request, DONE[action])
                if action == "proposal":
                    return redirect("councils:proposal", result.pk)
                return redirect(request.path)
        else:
            status = 400
    today = timezone.localdate()
    members = list(council.members.all())
    current = [mb for mb in members if mb.current(today)]
    counted = measures.current_members(today).filter(council=council).count()
    return render(request, "councils/detail.html", {
        "council": council, "can_manage": can_manage, "forms": forms, "action": action,
        "members": members, "current": len(current), "counted": counted,
        "active_now": measures.is_active(council, today), "rule_members": measures.ACTIVE_MIN_MEMBERS,
        "advisers": council.advisers.all(), "meetings": council.meetings.all(),
        "proposals": council.proposals.select_related("routed_to"), "today": today}, status=status)


def _add(user, council, action, d):
    if action == "save":
        return services.update_council(user, council, name=d["name"], founded_on=d["founded_on"], note=d["note"])
    if action == "member":
        return services.add_member(user, council, pseudonym=d["pseudonym"], age_band=d["age_band"],
                                   real_name=d["real_name"], guardian_consent=d["guardian_consent"],
                                   consent_on=d["consent_on"], consent_form=d["consent_form"],
                                   joined_on=d["joined_on"])
    if action == "adviser":
        return services.add_adviser(user, council, name=d["name"], unit_name=d["unit_name"], role=d["role"])
    if action == "meeting":
        f = d.get("file")
        return services.record_meeting(user, council, date=d["date"], topic=d["topic"], minutes=d["minutes"],
                                       attendance=d["attendance"], file_name=f.name if f else "",
                                       file_data=f.read() if f else None)
    return services.submit_proposal(user, council, title=d["title"], text=d["text"],
                                    submitted_on=d["submitted_on"], meeting=d["meeting"])


@login_required
def member_detail(request, member_id):
    try:
        member = (CouncilMember.objects.select_related("council", "council__org_unit")
                  .get(pk=member_id, council__in=services.visible_councils(request.user)))
    except CouncilMember.DoesNotExist:
        raise Http404("没有找到该成员，或您无权查看")
    council = member.council
    if not services.can_manage(request.user, council):
        raise PermissionDenied("只有议事会所在单位或协调员可以查看成员登记信息")
    can_reveal = services.can_reveal(request.user, council)
    form = MemberEditForm(initial={"age_band": member.age_band, "guardian_consent": member.guardian_consent,
                                   "consent_on": member.consent_on, "consent_form": member.consent_form,
                                   "left_on": member.left_on})
    reveal_form = RevealForm() if can_reveal else None
    revealed, status = None, 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "reveal":
            if not can_reveal:
                raise PermissionDenied("只有议事会所在单位的工作人员可以查看成员的真实姓名")
            reveal_form = RevealForm(request.POST)
            if reveal_form.is_valid():
                revealed = services.reveal_name(request.user, member, reason=reveal_form.cleaned_data["reason"])
            else:
                status = 400
        elif action == "save":
            form = MemberEditForm(request.POST)
            if form.is_valid():
                d = form.cleaned_data
                try:
                    services.update_member(request.user, member, age_band=d["age_band"],
                                           guardian_consent=d["guardian_consent"], consent_on=d["consent_on"],
                                           consent_form=d["consent_form"], left_on=d["left_on"])
                except services.CouncilError as e:
                    form.add_error(None, str(e))
                    status = 400
                else:
                    messages.success(request, "已保存。")
                    return redirect(request.path)
            else:
                status = 400
        else:
            status = 400
    response = render(request, "councils/member.html", {
        "member": member, "council": council, "form": form, "reveal_form": reveal_form, "revealed": revealed},
        status=status)
    response["Cache-Control"] = "no-store"
    return response


def _proposal(user, proposal_id):
    try:
        return (services.visible_proposals(user).select_related("council", "council__org_unit", "routed_to",
                                                                 "answered_by", "meeting").get(pk=proposal_id))
    except Proposal.DoesNotExist:
        raise Http404("没有找到该建议，或您无权查看")


@login_required
def proposal_detail(request, proposal_id):
    user = request.user
    p = _proposal(user, proposal_id)
    can_manage = services.can_manage(user, p.council)
    can_answer = services.can_answer(user, p) and p.state in (S.ROUTED, S.ANSWERED)
    route_form = (RouteForm(initial={"to": p.routed_to_id, "due_on": p.due_on}, units=services.route_choices(p.council))
                  if can_manage and p.state in (S.SUBMITTED, S.ROUTED) else None)
    answer_form = AnswerForm(initial={"text": p.answer}) if can_answer else None
    close_form = CloseForm() if can_manage and p.state == S.ANSWERED else None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "route":
                if not can_manage:
                    raise PermissionDenied("只有议事会所在单位或协调员可以交办建议")
                route_form = RouteForm(request.POST, units=services.route_choices(p.council))
                if route_form.is_valid():
                    d = route_form.cleaned_data
                    services.route(user, p, to=d["to"], due_on=d["due_on"], note=d["note"])
                    messages.success(request, f"建议已交办{d['to'].name}答复。")
                    return redirect(request.path)
            elif action == "answer":
                if not services.can_answer(user, p):
                    raise PermissionDenied("只有被交办的单位可以答复该建议")
                answer_form = AnswerForm(request.POST)
                if answer_form.is_valid():
                    services.answer(user, p, text=answer_form.cleaned_data["text"])
                    messages.success(request, "答复已提交，议事会所在单位将据此办结。")
                    return redirect(request.path)
            elif action == "close":
                if not can_manage:
                    raise PermissionDenied("只有议事会所在单位或协调员可以办结建议")
                close_form = CloseForm(request.POST)
                if close_form.is_valid():
                    d = close_form.cleaned_data
                    services.close(user, p, outcome=d["outcome"], note=d["note"])
                    messages.success(request, "建议已办结。")
                    return redirect(request.path)
            status = 400
        except services.CouncilError as e:
            _bad(request, e)
            return redirect(request.path)
    overdue = p.state == S.ROUTED and p.due_on is not None and p.due_on < timezone.localdate()
    return render(request, "councils/proposal.html", {
        "p": p, "steps": p.steps.select_related("actor", "unit"), "route_form": route_form,
        "answer_form": answer_form, "close_form": close_form, "overdue": overdue,
        "can_see_council": services.visible_councils(user).filter(pk=p.council_id).exists(),
        "flow": [(v, lbl) for v, lbl in S.choices]}, status=status)


@login_required
def proposal_list(request):
    user = request.user
    ids = _answer_ids(user)
    mine = (services.visible_proposals(user).filter(routed_to_id__in=ids)
            .select_related("council", "routed_to").order_by("state", "due_on", "pk"))
    state = request.GET.get("state", "")
    if state in S.values:
        mine = mine.filter(state=state)
    return render(request, "councils/proposals.html", {"proposals": mine, "state": state,
                                                       "states": S.choices[1:], "today": timezone.localdate()})


@login_required
def meeting_file(request, meeting_id):
    try:
        row = CouncilMeeting.objects.get(pk=meeting_id, council__in=services.visible_councils(request.user))
    except CouncilMeeting.DoesNotExist:
        raise Http404("没有找到该文件，或您无权查看")
    extension = workflow.ALLOWED_EVIDENCE.get(row.content_type)
    if not row.file or extension is None:
        raise Http404("该会议没有纪要文件")
    try:
        handle = row.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件已不在存储中，请联系管理员")
    return FileResponse(handle, as_attachment=True, filename=workflow.download_name(row.original_name, extension),
                        content_type=row.content_type)


@login_required
def export(request):
    """Councils and members of the user's view, as Excel: pseudonyms and age bands only."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    councils = list(services.visible_councils(request.user).select_related("org_unit"))
    today = timezone.localdate()
    active = measures.active_ids([c.pk for c in councils], today)
    wb = Workbook()
    ws = wb.active
    ws.title = "儿童议事会"
    ws.append(["名称", "层级", "所属单位", "成立日期", "现有成员", "正常运行", "最近会议", "建议数"])
    members = {c.pk: 0 for c in councils}
    for mb in CouncilMember.objects.filter(council__in=councils):
        if mb.current(today):
            members[mb.council_id] += 1
    for c in councils:
        last = c.meetings.order_by("-date").values_list("date", flat=True).first()
        ws.append([_cell(c.name), c.get_level_display(), _cell(c.org_unit.name), c.founded_on, members[c.pk],
                   "是" if c.pk in active else "否", last, c.proposals.count()])
    ws2 = wb.create_sheet("成员（化名）")
    ws2.append(["议事会", "化名", "年龄段", "监护人同意", "同意方式", "同意日期", "加入日期", "退出日期"])
    for mb in CouncilMember.objects.filter(council__in=councils).select_related("council").order_by("council", "pk"):
        ws2.append([_cell(mb.council.name), _cell(mb.pseudonym), mb.get_age_band_display(),
                    "是" if mb.guardian_consent else "否", mb.get_consent_form_display(), mb.consent_on,
                    mb.joined_on, mb.left_on])
    for sheet in (ws, ws2):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    response = HttpResponse(out.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition_header(True, f"儿童议事会名册（化名）{today.isoformat()}.xlsx")
    return response


def _cell(text: str) -> str:
    """No formula injection: a cell that starts like a formula is kept as text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@login_required
@require_POST
def record_judgement(request):
    plan = _plan(request.user)
    if plan is None or not services.is_coordinator(request.user, plan.area_id):
        raise PermissionDenied("只有协调员可以按名册判断节点任务")
    written = measures.record_register_judgement(plan, actor=request.user)
    if written:
        messages.success(request, "已按议事会名册写入节点任务判断，并重新计算了目标进展。")
    else:
        messages.info(request, "该节点任务已有协调员的人工判断，名册判断不覆盖人工判断。")
    return redirect("councils:index")
