import datetime

from django import template
from django.utils import timezone

from .. import display
from ..registry import deadlines_for

register = template.Library()

HOME_COUNT = 5  # reminders on the home page
HOME_AHEAD_DAYS = 30  # looking ahead this far
HOME_BACK_DAYS = 366  # overdue ones stay until done, for a year


@register.filter
def agenda_kind(kind):
    return display.kind_label(kind)


@register.filter
def agenda_date(d):
    return display.long_date(d) if d else ""


def home_reminders(user, today: datetime.date | None = None, count: int = HOME_COUNT):
    """The next few deadlines not yet done, overdue ones first."""
    today = today or timezone.localdate()
    items = [d for d in deadlines_for(user, today - datetime.timedelta(days=HOME_BACK_DAYS),
                                      today + datetime.timedelta(days=HOME_AHEAD_DAYS)) if not d.done]
    items = [d for d in items if d.overdue or d.date >= today]
    items.sort(key=lambda d: (not d.overdue, d.date))
    return items[:count]


@register.inclusion_tag("agenda/_reminders.html", takes_context=True)
def agenda_reminders(context):
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return {"reminders": []}
    return {"reminders": home_reminders(user)}
