"""The calendar page, the feed address (made and revoked there) and the feed itself. Thin:
deadlines come from registry.deadlines_for, scoped by each provider."""
from __future__ import annotations

import datetime
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cfcity.accounts import access
from cfcity.orgs.models import OrgUnit

from . import display, feeds
from .registry import deadlines_for

MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def _month(raw: str | None, today: datetime.date) -> tuple[int, int]:
    m = MONTH.match(raw or "")
    if m and 1 <= int(m.group(2)) <= 12 and 1900 < int(m.group(1)) < 2200:
        return int(m.group(1)), int(m.group(2))
    return today.year, today.month


def _unit(request):
    """The unit asked for (?unit=), which must be in the user's scope; else None (all)."""
    raw = request.GET.get("unit", "")
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9) or not access.can_read(request.user, int(raw)):
        raise Http404("没有找到，或您无权查看")
    unit = OrgUnit.objects.filter(pk=int(raw)).first()
    if unit is None:
        raise Http404("没有找到，或您无权查看")
    return unit


@login_required
@require_GET
def calendar(request):
    today = timezone.localdate()
    year, month = _month(request.GET.get("month"), today)
    view = "list" if request.GET.get("view") == "list" else "month"
    unit = _unit(request)
    first, last = display.month_bounds(year, month)
    if view == "list":  # the list: from the month shown on, a quarter ahead
        last = display.month_bounds(*display.shift_month(year, month, 2))[1]
    items = deadlines_for(request.user, first, last)
    units = sorted({d.org_unit_id for d in items if d.org_unit_id})
    if unit is not None:
        items = [d for d in items if d.org_unit_id == unit.pk]
    by_day: dict[datetime.date, list] = {}
    for d in items:
        by_day.setdefault(d.date, []).append(d)
    weeks = [[{"date": day, "items": by_day.get(day, []), "label": display.long_date(day) if day else "",
               "today": day == today} for day in week] for week in display.month_weeks(year, month)]
    prev, nxt = display.shift_month(year, month, -1), display.shift_month(year, month, 1)
    unit_choices = OrgUnit.objects.filter(pk__in=units).order_by("name") if len(units) > 1 or unit else []
    feed = feeds.live_feed(request.user)
    return render(request, "agenda/calendar.html", {
        "view": view, "title": display.month_text(year, month), "weeks": weeks,
        "days": [{"date": day, "label": display.long_date(day), "items": ds,
                  "when": display.when_text(day, today)} for day, ds in sorted(by_day.items())],
        "weekdays": [f"周{w}" for w in display.WEEKDAYS], "unit": unit, "unit_choices": unit_choices,
        "month_param": f"{year}-{month:02d}", "prev": f"{prev[0]}-{prev[1]:02d}", "next": f"{nxt[0]}-{nxt[1]:02d}",
        "overdue": sum(1 for d in items if d.overdue), "today": display.long_date(today),
        "feed": feed, "new_token": request.session.pop("agenda_new_feed", None),
    })


@login_required
@require_POST
def feed_create(request):
    row, token = feeds.create_feed(request.user)
    # shown once on the next page, like an API token; never stored in clear
    request.session["agenda_new_feed"] = request.build_absolute_uri(f"/agenda/{token}.ics")
    messages.success(request, "已生成新的订阅地址，原有地址（如有）已失效。")
    return redirect("agenda:calendar")


@login_required
@require_POST
def feed_revoke(request):
    n = feeds.revoke_feed(request.user)
    messages.success(request, "订阅地址已撤销，日历软件将不再收到更新。" if n else "您没有有效的订阅地址。")
    return redirect("agenda:calendar")


@require_GET
def feed(request, token: str):
    """The feed: no session, the secret address is the key; what that user may see."""
    user = feeds.user_for_feed(token)
    if user is None:
        raise Http404("订阅地址无效或已撤销")
    today = timezone.localdate()
    items = deadlines_for(user, today - datetime.timedelta(days=feeds.PAST_DAYS),
                          today + datetime.timedelta(days=feeds.FUTURE_DAYS))
    body = feeds.render(items, base_url=request.build_absolute_uri("/"), host=request.get_host().split(":")[0],
                        now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="cfcity-agenda.ics"'
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
