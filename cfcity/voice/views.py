"""Pages of the children's voice: the public form, its thank-you page and the public summary
(no login); the coordinator's inbox and rules; the safeguarding team's queue; approved messages
for staff in scope; referrals. Thin: every rule is in ``services``."""
from __future__ import annotations

import re

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cfcity.audit.services import log_action
from cfcity.orgs.models import OrgUnit

from . import export, limits, services, stats
from .forms import MessageForm, QuoteForm, ReferForm, RespondForm, RuleForm
from .models import DangerRule, Message

THANKS_SALT = "cfcity.voice.thanks"


def _id(value: str) -> int:
    """An id from a form or query (ASCII digits, in range) or a 404."""
    if not re.fullmatch(r"[0-9]{1,12}", value or ""):
        raise Http404("没有找到")
    return int(value)


def _limits() -> tuple[int, int]:
    conf = getattr(settings, "CFCITY_VOICE_LIMITS", None) or {}
    return int(conf.get("per_hour", 5)), int(conf.get("per_day", 20))


def _public_area(request) -> tuple[OrgUnit | None, list[OrgUnit]]:
    areas = list(services.public_areas())
    wanted = request.GET.get("area") or request.POST.get("area")
    if wanted:
        area = next((a for a in areas if str(a.pk) == str(wanted)), None)
        if area is None:
            raise Http404("没有这个地方")
        return area, areas
    return (areas[0] if areas else None), areas


# --- public ----------------------------------------------------------------------------------

@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def index(request):
    area, areas = _public_area(request)
    if area is None:
        return render(request, "voice/closed.html", status=404)
    towns = services.towns_of(area)
    if request.method == "POST":
        form = MessageForm(request.POST, towns=towns)
        if form.is_robot:  # a robot filled the hidden field: thank it and keep nothing
            return redirect(reverse("voice:thanks") + "?r=" + signing.dumps({"f": 0}, salt=THANKS_SALT))
        if form.is_valid():
            per_hour, per_day = _limits()
            if not limits.allow(request, "voice", per_hour=per_hour, per_day=per_day):
                return render(request, "voice/too_many.html", {"area": area}, status=429)
            d = form.cleaned_data
            try:
                got = services.receive(area=area, town=d["town"], topic=d["topic"], about=d["about"],
                                       age_band=d["age_band"], text=d["text"])
            except ValidationError as e:
                form.add_error(None, e.messages[0])
            else:
                token = signing.dumps({"f": int(got.flagged), "a": area.pk}, salt=THANKS_SALT)
                return redirect(reverse("voice:thanks") + "?r=" + token)
        return render(request, "voice/index.html", {"form": form, "area": area, "areas": areas}, status=400)
    form = MessageForm(towns=towns)
    return render(request, "voice/index.html", {"form": form, "area": area, "areas": areas})


@never_cache
@require_safe
def thanks(request):
    flagged, area_id = False, None
    try:
        data = signing.loads(request.GET.get("r", ""), salt=THANKS_SALT, max_age=3600)
        flagged, area_id = bool(data.get("f")), data.get("a")
    except (signing.BadSignature, AttributeError, TypeError):
        pass
    return render(request, "voice/thanks.html", {"flagged": flagged, "area_id": area_id})


@require_safe
def summary(request):
    area, areas = _public_area(request)
    if area is None:
        raise Http404("还没有开放")
    return render(request, "voice/summary.html", {
        "area": area, "areas": areas, "tables": [stats.by_town_and_age(area), stats.by_topic_and_place(area)],
        "quotes": stats.quotes(area), "below": stats.BELOW})


# --- staff -------------------------------------------------------------------------------------

def _coordinator_only(user):
    if not services.is_coordinator(user):
        raise PermissionDenied("只有协调员（妇儿工委办）可以审核儿童留言")


@login_required
@require_safe
def inbox(request):
    _coordinator_only(request.user)
    state = request.GET.get("state", "pending")
    qs = services.moderation_queue(request.user).select_related("town", "area").defer("original", "response_note")
    if state in Message.State.values:
        qs = qs.filter(state=state)
    elif state == "quote":
        qs = qs.filter(quote_state=Message.Quote.PROPOSED)
    else:
        state = ""
    from django.db.models import Count
    counts = dict.fromkeys(Message.State.values, 0)
    counts.update(services.moderation_queue(request.user).order_by().values_list("state")
                  .annotate(n=Count("pk")))
    return render(request, "voice/inbox.html", {
        "messages_list": qs[:200], "state": state, "states": [(v, lbl, counts[v]) for v, lbl in Message.State.choices]})


@login_required
@require_safe
def team(request):
    if not services.is_team(request.user):
        raise PermissionDenied("只有儿童安全保护专员可以查看")
    from django.utils import timezone
    now = timezone.now()
    qs = list(services.team_queue(request.user).select_related("town", "area").defer("original", "response_note")
              .order_by("state", "response_due", "pk"))
    for m in qs:
        m.overdue = m.state == Message.State.FLAGGED and m.response_due is not None and m.response_due < now
    return render(request, "voice/team.html", {"messages_list": qs, "hours": services.response_hours()})


@login_required
@require_safe
def approved(request):
    qs = services.approved_for(request.user).select_related("town").defer("original", "response_note")
    return render(request, "voice/approved.html", {"messages_list": qs[:300],
                                                   "can_export": services.is_coordinator(request.user)})


@login_required
@require_safe
def detail(request, pk):
    msg = services.get_message(request.user, pk)
    user = request.user
    coordinator = services.is_coordinator(user, msg.area_id)
    team = services.is_team(user, msg.area_id) and msg.flagged
    ctx = {"m": msg, "coordinator": coordinator, "team": team,
           "may_approve_quote": (services.may_approve_quote(user, msg.area_id) and msg.quote_state == "proposed"
                                 and msg.quote_proposed_by_id != user.pk),
           "quote_form": QuoteForm(initial={"text": msg.quote_text or msg.scrubbed[:300]}),
           "may_erase": coordinator or team}
    if team:
        ctx["original"] = services.read_original(user, msg)
        ctx["respond_form"] = RespondForm()
        ctx["refer_form"] = ReferForm(units=services.referral_units(msg.area))
        ctx["referrals"] = msg.referrals.select_related("to_unit")
    return render(request, "voice/detail.html", ctx)


def _step(request, pk, fn):
    try:
        fn()
    except Http404:
        # a message this user may see but not act on: refused (403), not hidden
        if services.visible_messages(request.user).filter(pk=pk).exists():
            raise PermissionDenied("您不能对这条留言进行这项操作")
        raise
    except ValidationError as e:
        flash.error(request, e.messages[0])
        return redirect("voice:detail", pk)
    return None


@login_required
@require_POST
def moderate(request, pk):
    action = request.POST.get("action", "")
    back = _step(request, pk, lambda: services.moderate(request.user, pk, action))
    if back:
        return back
    flash.success(request, "已处理。")
    return redirect(reverse("voice:inbox") + ("?state=flagged" if action == "flag" else ""))


@login_required
@require_POST
def quote(request, pk):
    step = request.POST.get("step", "propose")
    text = request.POST.get("text", "")
    fns = {"propose": lambda: services.propose_quote(request.user, pk, text),
           "approve": lambda: services.approve_quote(request.user, pk, text),
           "withdraw": lambda: services.withdraw_quote(request.user, pk)}
    if step not in fns:
        return HttpResponse("未知的操作", status=400)
    back = _step(request, pk, fns[step])
    if back:
        return back
    flash.success(request, {"propose": "已提议，请另一位协调员或领导确认。", "approve": "引用已确认，将在公开页显示。",
                            "withdraw": "引用已撤回。"}[step])
    return redirect("voice:detail", pk)


@login_required
@require_POST
def respond(request, pk):
    form = RespondForm(request.POST)
    if not form.is_valid():
        services.get_message(request.user, pk)  # 404 before saying anything about the form
        if not services.team_queue(request.user).filter(pk=pk).exists():
            raise PermissionDenied("只有儿童安全保护专员可以处置")
        return HttpResponse("请写明处置情况（不超过 2000 字）", status=400)
    back = _step(request, pk, lambda: services.respond(request.user, pk, form.cleaned_data["note"]))
    if back:
        return back
    flash.success(request, "处置情况已记录。")
    return redirect("voice:team")


@login_required
@require_POST
def refer(request, pk):
    msg = services.get_message(request.user, pk)
    if not (services.is_team(request.user, msg.area_id) and msg.flagged):
        raise PermissionDenied("只有儿童安全保护专员可以转介")
    form = ReferForm(request.POST, units=services.referral_units(msg.area))
    if not form.is_valid():
        return HttpResponse("请选择转介单位并写明原因", status=400)
    back = _step(request, pk, lambda: services.refer(request.user, pk, to_unit=form.cleaned_data["to_unit"],
                                                     reason=form.cleaned_data["reason"]))
    if back:
        return back
    flash.success(request, f"已转介给{form.cleaned_data['to_unit'].name}。")
    return redirect("voice:detail", pk)


@login_required
@require_POST
def erase(request, pk):
    number = services.erase(request.user, pk)
    flash.success(request, f"留言 {number} 已彻底删除。")
    return redirect("voice:team" if services.is_team(request.user) and not services.is_coordinator(request.user)
                    else "voice:inbox")


@login_required
@require_safe
def referrals(request):
    from cfcity.accounts.access import membership
    from cfcity.accounts.roles import rules_for
    m = membership(request.user)
    r = rules_for(m.role) if m else None
    if not (r and (r.safeguard or r.personal)):
        raise PermissionDenied("只有儿童安全保护专员和民政台账管理员可以查看转介")
    return render(request, "voice/referrals.html", {"referrals": services.referrals_for(request.user)[:300]})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def rules(request):
    _coordinator_only(request.user)
    area_ids = services._area_scope(request.user)
    from django.db.models import Q
    qs = DangerRule.objects.filter(Q(area__isnull=True) | Q(area_id__in=area_ids))
    editing = None
    if request.GET.get("edit"):
        editing = get_object_or_404(qs, pk=_id(request.GET["edit"]))
    if request.method == "POST":
        pk = request.POST.get("rule", "")
        editing = get_object_or_404(qs, pk=_id(pk)) if pk else None
        form = RuleForm(request.POST, instance=editing)
        if form.is_valid():
            from django.db import transaction
            with transaction.atomic():
                rule = form.save()
                log_action("voice.rule_saved", actor=request.user, obj=rule, org_unit=None,
                           data={"category": rule.category, "active": rule.active, "words": rule.words.count("\n") + 1})
            flash.success(request, "规则已保存。")
            return redirect("voice:rules")
        status = 400
    else:
        form, status = RuleForm(instance=editing), 200
    return render(request, "voice/rules.html", {"rules": qs, "form": form, "editing": editing}, status=status)


@login_required
@require_safe
def export_xlsx(request):
    _coordinator_only(request.user)
    qs = services.moderation_queue(request.user)
    data = export.approved_xlsx(qs)
    log_action("voice.exported", actor=request.user, data={"rows": qs.filter(state=Message.State.APPROVED).count()})
    resp = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = 'attachment; filename="voice-messages.xlsx"'
    return resp
