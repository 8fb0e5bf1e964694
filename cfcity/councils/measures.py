"""Task (4)'s milestone “三级儿童议事会体系基本形成” measured from the council register.

The rule for an **active** council (正常运行), as of a day: at least ``ACTIVE_MIN_MEMBERS``
current members whose guardian consented (by that day), and at least one meeting in the
12 months up to and including the day.

The register figures, as of a day, for a plan's area:

- the county council: active or not (any active council of level county);
- towns (镇/街道): how many of the area's active towns have an active town council;
- villages and communities (村/社区): how many have an active village council;
- schools are counted separately (a school council does not stand in for its village).

A milestone target is bound when its words mention 议事会. It has no number for the engine:
the coordinator judges it (cfcity.monitoring.judgements). ``record_register_judgement``
writes a judgement *from the register* (judged_by empty, the figures as its note) only where
no person has judged the target: the coordinator's own judgement always wins and is never
overwritten. Achieved: county active, every town, and at least
``COUNCIL_VILLAGE_SHARE`` (settings, default 80 %) of villages; before the deadline, on
track when the town and village shares are at least the linear expected share of the way
from the plan's start to the deadline, otherwise at risk; after it, off track.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from cfcity.orgs.models import OrgUnit
from cfcity.orgs.tree import descendant_ids
from cfcity.plans import models as pm

from .models import ChildrenCouncil, CouncilMeeting, CouncilMember

ACTIVE_MIN_MEMBERS = 5
WORD = "议事会"
L = ChildrenCouncil.Level
K = OrgUnit.Kind


def village_share() -> float:
    return float(getattr(settings, "COUNCIL_VILLAGE_SHARE", 80))


def year_before(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def current_members(day: datetime.date):
    """Members who count on ``day``: joined, not left, guardian consented by then."""
    return (CouncilMember.objects.filter(joined_on__lte=day, guardian_consent=True)
            .filter(Q(consent_on__isnull=True) | Q(consent_on__lte=day))
            .filter(Q(left_on__isnull=True) | Q(left_on__gt=day)))


def active_ids(council_ids, day: datetime.date) -> set[int]:
    """Which of ``council_ids`` are active on ``day`` (the rule above)."""
    council_ids = list(council_ids)
    enough = {row["council"] for row in current_members(day).filter(council_id__in=council_ids)
              .values("council").annotate(n=Count("pk")) if row["n"] >= ACTIVE_MIN_MEMBERS}
    met = set(CouncilMeeting.objects.filter(council_id__in=enough, date__lte=day, date__gt=year_before(day))
              .values_list("council_id", flat=True))
    return enough & met


def is_active(council: ChildrenCouncil, day: datetime.date) -> bool:
    return council.pk in active_ids([council.pk], day)


def founded(area_id: int, day: datetime.date):
    return ChildrenCouncil.objects.filter(area_id=area_id, founded_on__lte=day)


@dataclass
class Figures:
    as_of: datetime.date
    county_active: bool = False
    county_council: bool = False
    towns: int = 0
    towns_active: int = 0
    villages: int = 0
    villages_active: int = 0
    schools: int = 0
    schools_active: int = 0
    councils: int = 0
    councils_active: int = 0
    inactive_towns: list[str] = field(default_factory=list)

    @staticmethod
    def _pct(a: int, b: int) -> float | None:
        return round(a * 100 / b, 1) if b else None

    @property
    def town_share(self):
        return self._pct(self.towns_active, self.towns)

    @property
    def village_share(self):
        return self._pct(self.villages_active, self.villages)

    def lines(self) -> list[str]:
        def share(v):
            return "—" if v is None else f"{v:g}%"
        return [f"县级儿童议事会：{'正常运行' if self.county_active else ('已成立，未正常运行' if self.county_council else '未成立')}",
                f"镇（街道）：{self.towns_active}/{self.towns} 个有正常运行的儿童议事会（{share(self.town_share)}）",
                f"村（社区）：{self.villages_active}/{self.villages} 个有正常运行的儿童议事会（{share(self.village_share)}）",
                f"学校儿童议事会（单列）：{self.schools_active} 个正常运行，共 {self.schools} 个"]


def figures(area_id: int, day: datetime.date) -> Figures:
    f = Figures(as_of=day)
    councils = list(founded(area_id, day).values("pk", "level", "org_unit_id"))
    active = active_ids([c["pk"] for c in councils], day)
    f.councils, f.councils_active = len(councils), len(active)
    by_level: dict[str, set[int]] = {}
    for c in councils:
        if c["pk"] in active:
            by_level.setdefault(c["level"], set()).add(c["org_unit_id"])
    f.county_council = any(c["level"] == L.COUNTY for c in councils)
    f.county_active = bool(by_level.get(L.COUNTY))
    ids = descendant_ids([area_id])
    towns = list(OrgUnit.objects.filter(pk__in=ids, kind=K.TOWN, active=True).values_list("pk", "name"))
    villages = set(OrgUnit.objects.filter(pk__in=ids, kind=K.VILLAGE, active=True).values_list("pk", flat=True))
    f.towns = len(towns)
    f.towns_active = sum(1 for pk, _ in towns if pk in by_level.get(L.TOWN, ()))
    f.inactive_towns = [name for pk, name in towns if pk not in by_level.get(L.TOWN, ())]
    f.villages = len(villages)
    f.villages_active = len(villages & by_level.get(L.VILLAGE, set()))
    f.schools = sum(1 for c in councils if c["level"] == L.SCHOOL)
    f.schools_active = sum(1 for c in councils if c["level"] == L.SCHOOL and c["pk"] in active)
    return f


# --- the milestone ------------------------------------------------------------------------------

def bound_targets(plan: pm.Plan):
    return [t for t in plan.targets.filter(kind=pm.Target.Kind.MILESTONE) if WORD in f"{t.indicator} {t.source}"]


def council_task(plan: pm.Plan) -> pm.Task | None:
    """The task whose milestone the register measures (task (4) of the reference plan)."""
    for t in bound_targets(plan):
        if t.task_id:
            return t.task
    return (pm.Task.objects.filter(plan=plan).filter(Q(title__contains=WORD) | Q(text__contains=WORD))
            .order_by("order").first())


def lead_unit_ids(area_id: int) -> set[int]:
    """The lead departments of the council task in the area's plans (县妇联 in the reference
    plan), read from the plan rather than written here."""
    out: set[int] = set()
    for plan in pm.Plan.objects.filter(area_id=area_id):
        task = council_task(plan)
        if task is not None:
            out.update(pm.TaskDepartment.objects.filter(task=task, role=pm.TaskDepartment.Role.LEAD)
                       .values_list("org_unit_id", flat=True))
    return out


def _deadline(target: pm.Target) -> datetime.date | None:
    year = target.year or target.plan.period_end
    return datetime.date(year, 12, 31) if year else None


def _start(target: pm.Target) -> datetime.date | None:
    year = target.plan.period_start or target.baseline_year
    return datetime.date(year, 1, 1) if year else None


def verdict(target: pm.Target, f: Figures) -> tuple[str, float | None]:
    """(status, expected share in %) for ``target`` from the register figures."""
    need = village_share()
    towns_ok = f.towns > 0 and f.towns_active == f.towns
    villages_ok = f.villages == 0 or (f.village_share or 0) >= need
    if f.county_active and towns_ok and villages_ok:
        return "achieved", 100.0
    end, start = _deadline(target), _start(target)
    if end is not None and f.as_of > end:
        return "off_track", 100.0
    if end is None or start is None or end <= start:
        return "at_risk", None
    expected = min(1.0, max(0.0, (f.as_of - start).days / (end - start).days))
    town_ok = (f.town_share or 0) >= expected * 100
    village_ok = f.villages == 0 or (f.village_share or 0) >= expected * need
    status = "on_track" if f.county_active and town_ok and village_ok else "at_risk"
    return status, round(expected * 100, 1)


def note_for(f: Figures, expected: float | None) -> str:
    lines = [f"依据儿童议事会名册自动判断（{f.as_of.isoformat()}）：", *f.lines()]
    if expected is not None and expected < 100:
        lines.append(f"按期应达：镇（街道）{expected:g}%，村（社区）{expected * village_share() / 100:g}%")
    lines.append(f"正常运行：经监护人同意的现有成员不少于{ACTIVE_MIN_MEMBERS}名，且近12个月内召开过会议。"
                 f"达标：县级正常运行、全部镇（街道）和不少于{village_share():g}%的村（社区）有正常运行的议事会。")
    return "\n".join(lines)


def record_register_judgement(plan: pm.Plan, *, as_of: datetime.date | None = None, actor=None,
                              recompute: bool = True) -> list:
    """Write the register's verdict on every bound milestone of ``plan`` that no person has
    judged; return the judgements written. The coordinator's own judgement is left alone."""
    from cfcity.audit.services import log_action
    from cfcity.monitoring import services as monitoring
    from cfcity.monitoring.models import Judgement

    from .services import refresh_active

    as_of = as_of or timezone.localdate()
    if plan.area_id is None:
        return []
    refresh_active(ChildrenCouncil.objects.filter(area_id=plan.area_id), as_of)
    written = []
    for target in bound_targets(plan):
        with transaction.atomic():
            existing = Judgement.objects.select_for_update().filter(target=target).first()
            if existing is not None and existing.judged_by_id is not None:
                continue  # a person judged it: theirs stands
            f = figures(plan.area_id, as_of)
            status, expected = verdict(target, f)
            note = note_for(f, expected)
            judgement, _ = Judgement.objects.update_or_create(
                target=target, defaults={"status": status, "note": note, "judged_by": None, "evidence": None})
            log_action("councils.judgement.register", actor=actor, obj=target, org_unit=plan.area,
                       data={"old": [existing.status] if existing else None, "new": [status],
                             "as_of": as_of.isoformat(), "towns": [f.towns_active, f.towns],
                             "villages": [f.villages_active, f.villages], "county": f.county_active})
            written.append(judgement)
    if recompute and written:
        monitoring.recompute([plan], as_of=as_of)
    return written
