"""The warning rule for overdue rectifications (registered in monitoring's EXTRA_RULES).

True when a finding's deadline has passed and the responsible unit still owes an answer
(待整改, or 退回重新整改). The unit must act; it clears when the unit reports what it did
(an answer awaiting the inspector's sign-off is no longer the unit's to do) and stays
cleared when the finding is signed off; a reopened finding past its deadline warns again.
"""
from __future__ import annotations

import datetime

from cfcity.plans import display


def rectification_rules(plan, as_of: datetime.date):
    from cfcity.monitoring.models import Warning
    from cfcity.monitoring.warnings import Found

    from .models import Finding
    S = Finding.Status
    out = []
    for f in (Finding.objects.filter(inspection__plan=plan, status__in=(S.OPEN, S.REOPENED), deadline__lt=as_of)
              .select_related("inspection").order_by("deadline", "pk")):
        late = (as_of - f.deadline).days
        again = "（已被退回重新整改）" if f.status == S.REOPENED else ""
        message = (f"“{f.inspection.title}”督查发现的问题{f.number}（{f.get_severity_display()}）整改逾期{again}："
                   f"{_short(f.problem)}整改期限 {display.date_text(f.deadline)}，已逾期 {late} 天。")
        clear_by = "按整改要求完成整改，在“督查整改”中报送整改情况和佐证材料，报送后自动解除。"
        severity = Warning.Severity.HIGH if f.severity == Finding.Severity.GRAVE else Warning.Severity.MEDIUM
        out.append(Found(f"rectification:finding:{f.pk}", Warning.Kind.RECTIFICATION, severity, f.org_unit_id,
                         message, clear_by, f.task_id))
    return out


def _short(text: str, n: int = 40) -> str:
    text = " ".join(text.split()).rstrip("。；;.")
    return (text[:n] + "……" if len(text) > n else text) + "。"
