"""Security alerts reach the area's coordinators by e-mail (when they have an address)."""
from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail

from cfcity.accounts.models import Membership
from cfcity.accounts.roles import Role
from cfcity.orgs.tree import descendant_ids

log = logging.getLogger(__name__)


def mail_alert(alert) -> int:
    ids = descendant_ids([alert.area_id])
    to = sorted({m.user.email for m in Membership.objects.filter(role=Role.COORDINATOR, org_unit_id__in=ids,
                                                                  user__is_active=True).select_related("user")
                 if m.user.email})
    if not to:
        return 0
    try:  # a mail server down must not undo the act that raised the alert
        return send_mail(f"【安全提醒】{alert.get_kind_display()}", f"{alert.detail}\n\n请登录平台查看：安全提醒。",
                         settings.DEFAULT_FROM_EMAIL, to)
    except OSError:
        log.warning("安全提醒邮件发送失败 alert=%s", alert.pk)
        return 0
