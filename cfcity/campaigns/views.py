"""Campaign pages. Public (no login): the list of campaigns with galleries of approved works,
one campaign, the submission form, a work's file. Staff (signed in, ``services.can_manage``):
campaigns, the moderation queue, one work, the Excel export. Thin: every change through
services; a work that is not approved is a 404 for everyone but those who run the campaign."""
from __future__ import annotations


from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from cfcity.accounts import access
from cfcity.plans import models as pm

from . import files, services
from .files import WorkRefused
from .forms import CampaignForm, RejectForm, SubmissionForm
from .models import Campaign, Submission, SubmissionFile

S = Submission.State
C = Campaign.Status
PUBLIC = [C.OPEN, C.CLOSED]
GALLERY_PREVIEW = 8
INDEX_MAX = 20
GALLERY_MAX = 300


def _limits():
    per_hour, per_day = getattr(settings, "CAMPAIGN_SUBMIT_LIMITS", (20, 60))
    return per_hour, per_day


def _approved(campaign_ids):
    return (Submission.objects.filter(campaign_id__in=campaign_ids, state=S.APPROVED)
            .select_related("town").prefetch_related("files").order_by("-moderated_at", "-pk"))


# --- public ------------------------------------------------------------------------------------

@require_safe
def index(request):
    today = timezone.localdate()
    campaigns = (Campaign.objects.filter(status__in=PUBLIC).select_related("plan__area")
                 .order_by("-status", "-opens_on", "-pk")[:INDEX_MAX])  # open ones first
    rows = [{"campaign": c, "accepting": c.accepting(today), "works": list(_approved([c.pk])[:GALLERY_PREVIEW])}
            for c in campaigns]
    return render(request, "campaigns/index.html", {"rows": rows})


def _public_campaign(campaign_id) -> Campaign:
    return get_object_or_404(Campaign.objects.select_related("plan__area"), pk=campaign_id, status__in=PUBLIC)


@require_safe
def campaign_page(request, campaign_id):
    campaign = _public_campaign(campaign_id)
    works = list(_approved([campaign.pk])[:GALLERY_MAX])
    return render(request, "campaigns/campaign.html", {
        "campaign": campaign, "works": works, "accepting": campaign.accepting(timezone.localdate())})


def submit(request, campaign_id):
    campaign = _public_campaign(campaign_id)
    accepting = campaign.accepting(timezone.localdate())
    context = {"campaign": campaign, "accepting": accepting, "limits": services.LIMITS}
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405)
    if request.method != "POST" or not accepting:
        context["form"] = SubmissionForm(campaign=campaign) if accepting else None
        return render(request, "campaigns/submit.html", context, status=200 if request.method != "POST" else 400)
    form = SubmissionForm(request.POST, request.FILES, campaign=campaign)
    context["form"] = form
    if request.POST.get("website"):  # the honeypot: a person never sees the field
        context["error"] = "提交没有成功，请稍后再试。"
        return render(request, "campaigns/submit.html", context, status=400)
    from cfcity.voice.limits import allow
    per_hour, per_day = _limits()
    if not allow(request, "campaigns", per_hour=per_hour, per_day=per_day):
        context["error"] = "这台设备（或同一网络）提交得太频繁了，请过一段时间再来提交。"
        return render(request, "campaigns/submit.html", context, status=429)
    if not form.is_valid():
        context["error"] = "还有没填好的地方，请看下面的红色提示。"
        return render(request, "campaigns/submit.html", context, status=400)
    d = form.cleaned_data
    upload = d["file"]
    try:
        files.check_size(d["kind"], upload.size)  # before the bytes are read into memory
        work = services.submit_work(
            campaign, kind=d["kind"], title=d["title"], description=d["description"], pseudonym=d["pseudonym"],
            age_band=d["age_band"], town=d["town"], guardian_consent=d["guardian_consent"],
            guardian_relationship=d["guardian_relationship"], child_assent=d["child_assent"], data=upload.read())
    except WorkRefused as e:
        context["error"] = str(e)
        return render(request, "campaigns/submit.html", context, status=400)
    return render(request, "campaigns/thanks.html", {"campaign": campaign, "work": work})


def work_file(request, file_id):
    """A work's file, shown inline (image, audio, video) under the type found in its bytes.
    An approved work's file is public; any other only for those who run the campaign."""
    row = get_object_or_404(SubmissionFile.objects.select_related("submission__campaign__plan"), pk=file_id)
    work = row.submission
    public = work.state == S.APPROVED and work.campaign.status in PUBLIC
    if not public:
        plan = work.campaign.plan
        if not (access.visible_plans(request.user, pm.Plan.objects.filter(pk=plan.pk)).exists()
                and services.can_manage(request.user, plan)):
            raise Http404("没有找到这件作品")
    if row.content_type not in files.EXTENSIONS:
        raise Http404("没有找到这件作品")
    try:
        handle = row.file.open("rb")
    except FileNotFoundError:
        raise Http404("作品文件已不在存储中")
    response = FileResponse(handle, content_type=row.content_type)
    response["Content-Disposition"] = content_disposition_header(False, f"{work.code}{row.extension}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "public, max-age=60" if public else "private, no-store"
    return response


# --- staff -------------------------------------------------------------------------------------

def _campaign(user, campaign_id) -> Campaign:
    campaign = get_object_or_404(
        Campaign.objects.filter(plan__in=access.visible_plans(user, pm.Plan.objects.all()))
        .select_related("plan__area"), pk=campaign_id)
    if not services.can_manage(user, campaign.plan):
        raise PermissionDenied("只有协调员或征集任务的牵头单位可以管理征集活动")
    return campaign


def _private(response):
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def manage(request):
    plans = services.managed_plans(request.user)
    if not plans:
        raise PermissionDenied("只有协调员或征集任务的牵头单位可以管理征集活动")
    plan = plans[0]
    form = CampaignForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                campaign = services.create_campaign(request.user, plan, title=d["title"],
                                                    description=d["description"], kinds=d["kinds"],
                                                    opens_on=d["opens_on"], closes_on=d["closes_on"])
            except WorkRefused as e:
                messages.error(request, str(e))
                status = 400
            else:
                messages.success(request, "征集活动已保存为草稿；检查无误后点“开始征集”。")
                return redirect("campaigns:manage_campaign", campaign.pk)
        else:
            status = 400
    campaigns = (Campaign.objects.filter(plan=plan)
                 .annotate(pending=Count("submissions", filter=Q(submissions__state=S.PENDING)),
                           approved=Count("submissions", filter=Q(submissions__state=S.APPROVED)),
                           total=Count("submissions")))
    return _private(render(request, "campaigns/manage.html", {
        "plan": plan, "campaigns": campaigns, "form": form,
        "tasks": services.campaign_tasks(plan)}, status=status))


@login_required
def manage_campaign(request, campaign_id):
    campaign = _campaign(request.user, campaign_id)
    form = CampaignForm(instance=campaign, initial={"kinds": campaign.kinds})
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "save":
                form = CampaignForm(request.POST, instance=Campaign.objects.get(pk=campaign.pk))
                if form.is_valid():
                    d = form.cleaned_data
                    services.update_campaign(request.user, campaign, title=d["title"], description=d["description"],
                                             kinds=d["kinds"], opens_on=d["opens_on"], closes_on=d["closes_on"])
                    messages.success(request, "已保存。")
                    return redirect(request.path)
                status = 400
            elif action in (C.OPEN, C.CLOSED):
                services.set_status(request.user, campaign, action)
                messages.success(request, "已开始征集，公开页面可以提交作品了。" if action == C.OPEN else "征集已结束。")
                return redirect(request.path)
            else:
                status = 400
        except WorkRefused as e:
            messages.error(request, str(e))
            return redirect(request.path)
    state = request.GET.get("state", S.PENDING)
    if state not in S.values:
        state = S.PENDING
    counts = dict(campaign.submissions.values_list("state").annotate(n=Count("pk")))
    works = (campaign.submissions.filter(state=state).select_related("town").prefetch_related("files")
             .order_by("submitted_at", "pk"))
    return _private(render(request, "campaigns/manage_campaign.html", {
        "campaign": campaign, "form": form, "works": works, "state": state,
        "states": [(v, label, counts.get(v, 0)) for v, label in S.choices]}, status=status))


@login_required
def manage_work(request, submission_id):
    work = get_object_or_404(Submission.objects.select_related("campaign__plan__area", "town", "moderated_by"),
                             pk=submission_id)
    _campaign(request.user, work.campaign_id)
    form = RejectForm()
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "approve":
                services.approve(request.user, work)
                messages.success(request, f"作品 {work.code} 已通过，已在公开页面展示。")
            elif action == "reject":
                services.reject(request.user, work, request.POST.get("reason", ""))
                messages.success(request, f"作品 {work.code} 未通过。")
            elif action == "withdraw":
                services.withdraw(request.user, work)
                messages.success(request, f"作品 {work.code} 已按监护人要求撤回，文件已删除。")
            else:
                return _private(render(request, "campaigns/work.html", {"work": work, "form": form}, status=400))
        except WorkRefused as e:
            messages.error(request, str(e))
        return redirect(request.path)
    return _private(render(request, "campaigns/work.html", {"work": work, "form": form}))


@login_required
def export(request, campaign_id):
    from . import export as xlsx
    campaign = _campaign(request.user, campaign_id)
    response = HttpResponse(xlsx.build(campaign),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition_header(True, f"征集作品-{campaign.pk}.xlsx")
    return _private(response)
