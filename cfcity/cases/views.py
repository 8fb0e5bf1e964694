"""Cases and meetings pages (signed in). Thin: objects through the access layer
(services.visible_cases), every change through services."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from cfcity.accounts import access
from cfcity.plans import models as pm
from cfcity.reporting import workflow

from . import booklet, services
from .forms import CaseForm, FileForm, MaterialForm, MeetingForm
from .models import Case, CaseFile, MeetingMaterial
from .files import FileRefused  # CaseError is one too

S = Case.Status


def _plan(user):
    plan = access.visible_plans(user, pm.Plan.objects.all()).order_by("-date", "-pk").first()
    if plan is None:
        raise Http404("没有可用的行动方案")
    return plan


def _case(user, case_id):
    try:
        return services.visible_cases(user).select_related("org_unit", "plan").get(pk=case_id)
    except Case.DoesNotExist:
        raise Http404("没有找到该案例，或您无权查看")


@login_required
def case_list(request):
    plan = _plan(request.user)
    cases = services.visible_cases(request.user, Case.objects.filter(plan=plan)).select_related("org_unit")
    status = request.GET.get("status", "")
    if status in S.values:
        cases = cases.filter(status=status)
    m = access.membership(request.user)
    return render(request, "cases/list.html", {
        "plan": plan, "cases": cases, "status": status, "statuses": S.choices,
        "can_create": m is not None and access.can_write(request.user, m.org_unit_id),
        "can_curate": services.can_curate(request.user, plan), "year": timezone.localdate().year})


@login_required
def case_new(request):
    plan = _plan(request.user)
    m = access.membership(request.user)
    if m is None or not access.can_write(request.user, m.org_unit_id):
        raise PermissionDenied("您的角色不能报送案例")
    form = CaseForm(request.POST if request.method == "POST" else None, plan=plan,
                    initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        case = services.create_case(request.user, plan=plan, org_unit=m.org_unit, year=d["year"], title=d["title"],
                                    text=d["text"], summary=d["summary"], tasks=d["tasks"])
        messages.success(request, "案例已保存为草稿，可以继续添加照片和附件，完成后报送。")
        return redirect("cases:detail", case.pk)
    return render(request, "cases/form.html", {"form": form, "plan": plan}, status=400 if form.errors else 200)


CURATE = {
    "accept": lambda u, c, p: services.accept(u, c, p.get("comment", "")),
    "return": lambda u, c, p: services.return_case(u, c, p.get("comment", "")),
    "publish": lambda u, c, p: services.publish(u, c),
    "unpublish": lambda u, c, p: services.unpublish(u, c, p.get("comment", "")),
    "tags": lambda u, c, p: services.set_tags(u, c, services.parse_tags(p.get("tags", ""))),
    "submit": lambda u, c, p: services.submit(u, c),
}
DONE = {"accept": "案例已入选。", "return": "案例已退回报送单位。", "publish": "案例已在公开网站发布。",
        "unpublish": "案例已从公开网站撤下。", "tags": "标签已保存。", "submit": "案例已报送协调员。"}


@login_required
def case_detail(request, case_id):
    case = _case(request.user, case_id)
    editable = services.can_edit(request.user, case)
    form = CaseForm(instance=case, plan=case.plan) if editable else None
    file_form = FileForm() if editable or services.can_curate(request.user, case.plan) else None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "save":
                form = CaseForm(request.POST, instance=Case.objects.get(pk=case.pk), plan=case.plan)
                if not editable:
                    raise PermissionDenied("该案例不能由您修改")
                if form.is_valid():
                    d = form.cleaned_data
                    services.update_case(request.user, case, title=d["title"], text=d["text"], summary=d["summary"],
                                         year=d["year"], tasks=d["tasks"])
                    messages.success(request, "已保存。")
                    return redirect(request.path)
                status = 400
            elif action == "upload":
                file_form = FileForm(request.POST, request.FILES)
                if file_form.is_valid():
                    f = file_form.cleaned_data["file"]
                    services.add_file(request.user, case, kind=file_form.cleaned_data["kind"], name=f.name,
                                      data=f.read(), caption=file_form.cleaned_data["caption"])
                    messages.success(request, "文件已上传。")
                    return redirect(request.path)
                status = 400
            elif action == "remove":
                row = get_object_or_404(CaseFile, pk=request.POST.get("file") or 0, case=case)
                services.remove_file(request.user, row)
                messages.success(request, "文件已删除。")
                return redirect(request.path)
            elif action in CURATE:
                CURATE[action](request.user, case, request.POST)
                messages.success(request, DONE[action])
                return redirect(request.path)
            else:
                status = 400
        except FileRefused as e:
            messages.error(request, str(e))
            return redirect(request.path)
    return render(request, "cases/detail.html", {
        "case": case, "form": form, "file_form": file_form, "editable": editable,
        "can_curate": services.can_curate(request.user, case.plan),
        "photos": [f for f in case.files.all() if f.kind == CaseFile.Kind.PHOTO],
        "attachments": [f for f in case.files.all() if f.kind == CaseFile.Kind.ATTACHMENT],
        "tags_text": "、".join(case.tags)}, status=status)


def _download(row, name=None):
    extension = workflow.ALLOWED_EVIDENCE.get(row.content_type)
    if extension is None:
        raise Http404("该文件的类型不在允许下载的范围内")
    try:
        handle = row.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件已不在存储中，请联系管理员")
    return FileResponse(handle, as_attachment=True, filename=workflow.download_name(name or row.original_name,
                                                                                   extension),
                        content_type=row.content_type)


@login_required
def case_file(request, file_id):
    row = get_object_or_404(CaseFile.objects.select_related("case"), pk=file_id)
    _case(request.user, row.case_id)  # 404 unless the case is visible
    return _download(row)


@login_required
def case_booklet(request, year):
    plan = _plan(request.user)
    if not services.can_curate(request.user, plan):
        raise PermissionDenied("只有协调员可以导出案例汇编")
    if not 2000 <= year <= 2100:  # no booklet for a year no plan can have (and no huge year in a file name)
        raise Http404("没有这一年的案例")
    data = booklet.build(plan, year)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument."
                                               "wordprocessingml.document")
    from django.utils.http import content_disposition_header
    response["Content-Disposition"] = content_disposition_header(True, f"{year}年优秀工作案例汇编.docx")
    return response


# --- meetings ------------------------------------------------------------------------------

@login_required
def meeting_list(request):
    plan = _plan(request.user)
    can = services.can_curate(request.user, plan)
    form = MeetingForm(request.POST if request.method == "POST" else None, plan=plan) if can else None
    if request.method == "POST":
        if not can:
            raise PermissionDenied("只有协调员可以记录交流会")
        if form.is_valid():
            d = form.cleaned_data
            meeting = services.record_meeting(request.user, plan=plan, kind=d["kind"], title=d["title"],
                                              date=d["date"], place=d["place"], participants=d["participants"],
                                              summary=d["summary"], cases=d["cases"])
            messages.success(request, "交流会已记录，可以上传会议材料。")
            return redirect("cases:meeting", meeting.pk)
    meetings = services.visible_meetings(request.user).filter(plan=plan)
    return render(request, "cases/meetings.html", {"plan": plan, "meetings": meetings, "form": form},
                  status=400 if form is not None and form.errors else 200)


@login_required
def meeting_detail(request, meeting_id):
    meeting = get_object_or_404(services.visible_meetings(request.user), pk=meeting_id)
    can = services.can_curate(request.user, meeting.plan)
    form = (MaterialForm(request.POST, request.FILES) if request.method == "POST" else MaterialForm()) if can else None
    if request.method == "POST":
        if not can:
            raise PermissionDenied("只有协调员可以上传会议材料")
        if form.is_valid():
            f = form.cleaned_data["file"]
            try:
                services.add_material(request.user, meeting, name=f.name, data=f.read())
                messages.success(request, "材料已上传。")
            except FileRefused as e:
                messages.error(request, str(e))
            return redirect(request.path)
    cases = services.visible_cases(request.user, meeting.cases.all())
    return render(request, "cases/meeting.html", {"meeting": meeting, "form": form, "cases": cases},
                  status=400 if form is not None and form.errors else 200)


@login_required
def material_file(request, material_id):
    row = get_object_or_404(MeetingMaterial.objects.filter(meeting__in=services.visible_meetings(request.user)),
                            pk=material_id)
    return _download(row)
