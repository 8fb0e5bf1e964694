"""The warning rule for flagged children's messages left unanswered past their response time
(registered in monitoring's EXTRA_RULES): a high warning for the coordinator's unit. The
warning names the message's number and how late it is — never what it says."""
from __future__ import annotations

import datetime

from django.utils import timezone


def _coordinator_unit_id(area) -> int:
    from cfcity.accounts.models import Membership
    from cfcity.orgs.tree import descendant_ids
    m = (Membership.objects.filter(role="coordinator", org_unit_id__in=descendant_ids([area.pk]),
                                   user__is_active=True).order_by("pk").first())
    return m.org_unit_id if m else area.pk


def overdue_messages(plan, as_of: datetime.date):
    from cfcity.monitoring.models import Warning
    from cfcity.monitoring.warnings import Found

    from .models import Message
    end_of_day = timezone.make_aware(datetime.datetime.combine(as_of + datetime.timedelta(days=1),
                                                               datetime.time()))
    cutoff = min(timezone.now(), end_of_day)
    late = list(Message.objects.filter(area_id=plan.area_id, state=Message.State.FLAGGED,
                                       response_due__lt=cutoff).order_by("response_due", "pk"))
    if not late:
        return []
    unit_id = _coordinator_unit_id(plan.area)
    out = []
    for m in late:
        hours = int((cutoff - m.response_due).total_seconds() // 3600)
        message = (f"编号 {m.pk} 的儿童留言被标记为疑似危险，已超过应答时限 {hours} 小时仍未处置"
                   f"（应答时限 {timezone.localtime(m.response_due):%Y-%m-%d %H:%M}）。")
        clear_by = "由儿童安全保护专员在“儿童心声—安全处置”中联系处置并记录，记录后自动解除。"
        out.append(Found(f"safeguarding:message:{m.pk}", Warning.Kind.SAFEGUARDING, Warning.Severity.HIGH,
                         unit_id, message, clear_by))
    return out
