"""``cfcity demo``: a synthetic county to look around in — 演示数据，非真实.

Fills an empty database with the reference plan (桓台县), its departments, towns and
subdistricts with villages and communities, a few schools, kindergartens and hospitals, one
user for every role (random passwords, returned for printing), yearly periods 2023–2025, a
target breakdown over towns, and three years of reports that go through the real workflow
(``workflow.save_report`` → ``submit`` → ``approve`` → ``accept``, returns with comments,
a correction), so the history and the audit log are the ones real use would leave.

Time is simulated: every step runs with ``django.utils.timezone.now`` set to a plausible
moment in the period's reporting window (never later than the real now), so submission
dates, lateness and the history read like three real years. Values and words come from a
``random.Random(seed)``: the same seed gives the same data (passwords are always random).

Plain functions; the command (``management/commands/demo.py``) only parses arguments and
prints. ``check_database`` says whether the database may take the demo (``DemoError`` if not).
"""
from __future__ import annotations

import datetime
import math
import random
import struct
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.db import transaction
from django.utils import timezone

from cfcity.accounts.models import Membership, Profile
from cfcity.accounts.roles import Role
from cfcity.audit.models import AuditEntry
from cfcity.audit.services import log_action
from cfcity.data import REFERENCE_PLAN
from cfcity.orgs.models import OrgUnit
from cfcity.plans import display, importer
from cfcity.plans import models as pm
from cfcity.plans import services as plan_services
from cfcity.welfare import demo as welfare_demo

from . import services, validation, workflow
from .models import Assignment, Period, Report, TargetShare

NOTE = "演示数据，非真实：本库中的镇（街道）、村（社区）、学校、医院、人员姓名和全部填报数据均由程序生成，仅供试用和培训；行动方案为公开文件。"
MARKER_ACTION = "demo.created"
YEARS = [2023, 2024, 2025]
SYNTHETIC = "（演示）"  # suffix of unit names a real institution could be confused with

S = Report.Status
K = OrgUnit.Kind


class DemoError(Exception):
    """Why the demo will not run here; the message is Chinese, for the user as is."""


# --- the synthetic county ---------------------------------------------------------------------

# town → (username prefix, villages and communities: invented names)
TOWNS: dict[str, tuple[str, list[str]]] = {
    "城区街道": ("cqjd", ["东岳社区", "建设路社区", "华沟社区", "柳园社区", "中心街社区"]),
    "少海街道": ("shjd", ["少海社区", "红莲湖社区", "渔洋社区", "华侨城社区"]),
    "索镇": ("sz", ["索镇东村", "前鲍村", "东华社区", "后营村", "苗家村"]),
    "果里镇": ("glz", ["果里村", "侯庄村", "王家社区", "四宝山村"]),
    "马桥镇": ("mqz", ["马桥社区", "陈庄村", "后金村", "大寨村", "北营村", "西周村"]),
    "荆家镇": ("jjz", ["荆家社区", "孙家村", "夏庄村"]),
    "起凤镇": ("qfz", ["起凤社区", "华沟村", "夏庄社区", "锦秋村"]),
    "田庄镇": ("tzz", ["田庄社区", "宋家村", "荀召村", "徐斜村"]),
    "新城镇": ("xcz", ["新城社区", "逯家村", "乌河村"]),
}

# institutions under a department: (name, kind)
INSTITUTIONS: dict[str, list[tuple[str, str]]] = {
    "县教育体育局": [("县实验小学", K.SCHOOL), ("县第二实验小学", K.SCHOOL), ("县实验中学", K.SCHOOL),
                 ("少海中学", K.SCHOOL), ("县第一幼儿园", K.KINDERGARTEN),
                 ("县机关幼儿园", K.KINDERGARTEN), ("马桥镇中心幼儿园", K.KINDERGARTEN)],
    "县卫生健康局": [("县人民医院", K.HOSPITAL), ("县妇幼保健院", K.HOSPITAL), ("县中医院", K.HOSPITAL)],
}

# department → username prefix (readable pinyin initials); unknown departments get bmNN
DEPT_ABBR = {
    "县妇儿工委办公室": "fegw", "县卫生健康局": "wjj", "县教育体育局": "jtj", "县民政局": "mzj",
    "县文化和旅游局": "wlj", "县委宣传部": "xcb", "县公安局": "gaj", "县综合执法局": "zfj",
    "县妇联": "fl", "县住房城乡建设局": "zjj", "团县委": "txw", "县发展改革局": "fgj",
    "县自然资源局": "zrj", "县财政局": "czj", "县融媒体中心": "rmt", "县交通运输局": "jtysj",
    "县检察院": "jcy", "县法院": "fy", "县行政审批服务局": "spj", "市医保局桓台分局": "ybj",
    "县残联": "cl", "县科协": "kx", "市生态环境局桓台分局": "sthj", "县总工会": "zgh",
    "县工业和信息化局": "gxj", "县科技局": "kjj", "县市场监管局": "scj", "县应急局": "yjj",
    "县司法局": "sfj",
}
# departments that sign their reports off before they go to the coordinator
APPROVER_DEPTS = ["县卫生健康局", "县教育体育局", "县民政局", "县文化和旅游局"]
COORDINATOR_UNIT = "县妇儿工委办公室"

# task number → [(town, share)] for the first target of the task
SHARES = {
    24: [("城区街道", 2), ("少海街道", 1), ("索镇", 1)],            # 儿童友好街区 3—5 处
    30: [("城区街道", 2), ("少海街道", 1), ("索镇", 1), ("果里镇", 1), ("马桥镇", 1),
         ("荆家镇", 1), ("田庄镇", 1)],                              # 多功能运动场地 8 片
}
PER_TOWN_TASK = 19  # 镇（街道）配备儿童督导员：each town owes one

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉鹏宁婷雪梅晓琳海燕"


# --- checking the database ----------------------------------------------------------------------

def reference_plan_parsed() -> importer.Plan:
    return importer.parse_file(REFERENCE_PLAN)


def check_database(*, force: bool, reference: importer.Plan) -> pm.Plan | None:
    """May the demo go into this (migrated) database? Returns the stored reference plan if
    there is one. Refuses (``DemoError``) a database with demo data, other plans, reporting
    data, memberships or org units beyond the plan's; one with users (``make run`` creates
    ``admin``) only with ``force``."""
    User = get_user_model()
    if AuditEntry.objects.filter(action=MARKER_ACTION).exists():
        raise DemoError("数据库中已经有演示数据，不能再次生成。如需重新生成，请使用一个空数据库"
                        "（例如另设 CFCITY_DATA_DIR，或删除数据目录中的 cfcity.sqlite3 后重试）。")
    plans = list(pm.Plan.objects.all())
    ref = next((p for p in plans if p.doc_number == reference.doc_number), None)
    others = [p for p in plans if p is not ref]
    if others:
        raise DemoError(f"数据库中已有其他行动方案（{others[0].title}等 {len(others)} 个），"
                        f"演示数据只能写入空数据库或只含默认方案的数据库。")
    # `make run` gives the reference plan yearly periods and its departments' assignments:
    # those are set-up, not data; anything else is
    setup_only = Period.objects.exclude(plan=ref).exists() or Assignment.objects.exclude(task__plan=ref).exists()
    if (setup_only or Report.objects.exists() or TargetShare.objects.exists()
            or Membership.objects.exists()):
        raise DemoError("数据库中已有填报周期、报告或用户的单位角色等业务数据，"
                        "演示数据只能写入空数据库或只含默认方案的数据库。")
    plan_units = set()
    if ref is not None:
        plan_units = {ref.area_id, *OrgUnit.objects.filter(parent_id=ref.area_id, kind=K.DEPARTMENT)
                      .values_list("id", flat=True)}
    extra = OrgUnit.objects.exclude(pk__in=plan_units)
    if extra.exists():
        raise DemoError(f"数据库中已有方案以外的单位（如“{extra.first().name}”），"
                        f"演示数据只能写入空数据库或只含默认方案的数据库。")
    users = list(User.objects.order_by("pk").values_list("username", flat=True)[:6])
    if users and not force:
        names = "、".join(users[:5]) + ("等" if len(users) > 5 else "")
        raise DemoError(f"数据库中已有用户（{names}），演示数据应写入空数据库。若这是刚由 make run "
                        f"初始化、只含默认方案的数据库，可加 --force 在其中生成演示数据（已有用户保持不变）。")
    clash = User.objects.filter(username__in=demo_usernames(reference)).values_list("username", flat=True)
    if clash:
        raise DemoError(f"用户名 {'、'.join(clash)} 已被使用，与演示账号冲突。")
    return ref


def demo_usernames(reference: importer.Plan) -> list[str]:
    depts = list(dict.fromkeys(n for t in reference.tasks() for n in (*t.lead_departments,
                                                                      *t.cooperating_departments)))
    names = [f"{_abbr(d, depts)}_tb" for d in depts] + [f"{DEPT_ABBR[d]}_sh" for d in APPROVER_DEPTS]
    names += [f"{abbr}_tb" for abbr, _ in TOWNS.values()]
    return names + ["fegw_xt", "lingdao", "ducha", "pinggu", "xtgl", "shenji", *welfare_demo.USERNAMES,
                    *EXTENSION_USERNAMES]


def _abbr(dept: str, all_depts: list[str]) -> str:
    return DEPT_ABBR.get(dept) or f"bm{all_depts.index(dept) + 1:02d}"


class DemoPasswordHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's minimum cost (19 MiB, 2 passes, 1 lane): about 0.1 s a password
    instead of 0.6 s, for the demo's ~50 users. Same algorithm name, so the configured
    Argon2 hasher verifies these hashes and, their cost being lower than its own, re-hashes
    the password at full cost on the user's first login (Django's ``must_update``)."""
    memory_cost = 19456
    parallelism = 1


@contextmanager
def _demo_hashing():
    """Hash the demo users' passwords with ``DemoPasswordHasher`` when Argon2 is the
    configured hasher (production); otherwise (tests) as configured."""
    from django.test.utils import override_settings
    if not settings.PASSWORD_HASHERS or not settings.PASSWORD_HASHERS[0].endswith(".Argon2PasswordHasher"):
        yield
        return
    with override_settings(PASSWORD_HASHERS=[f"{__name__}.DemoPasswordHasher", *settings.PASSWORD_HASHERS]):
        yield


# --- simulated time -------------------------------------------------------------------------------

class Clock:
    """``timezone.now`` during the build: a moment we set, never later than the real now."""

    def __init__(self):
        self.real = timezone.now()
        self.current = self.real

    def set(self, when: datetime.datetime):
        self.current = min(when, self.real)

    def now(self):
        return self.current

    @contextmanager
    def running(self):
        with mock.patch("django.utils.timezone.now", self.now):
            yield self


def _moment(day: datetime.date, rng: random.Random) -> datetime.datetime:
    """A working-hours moment on ``day`` (weekends moved to Monday), Beijing time."""
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    minutes = rng.randint(8 * 60 + 40, 17 * 60 + 20)
    naive = datetime.datetime.combine(day, datetime.time(minutes // 60, minutes % 60, rng.randint(0, 59)))
    return timezone.make_aware(naive, timezone.get_default_timezone())


# --- evidence files ---------------------------------------------------------------------------------

def tiny_pdf(text: str) -> bytes:
    """A one-page PDF with one line of ASCII text."""
    stream = f"BT /F1 14 Tf 60 760 Td ({text}) Tj ET".encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def tiny_png(rgb: tuple[int, int, int], width: int = 96, height: int = 64) -> bytes:
    """A small PNG of one colour with a lighter band (a stand-in for a site photo)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    light = tuple(min(255, c + 60) for c in rgb)
    rows = b"".join(b"\x00" + bytes(light if height // 3 <= y < height // 2 else rgb) * width
                    for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


# --- values ---------------------------------------------------------------------------------------

def _quantize(v: float, places: int) -> Decimal:
    return Decimal(repr(v)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _shape(target: pm.Target) -> tuple[bool, bool, int]:
    """(is a percent, is a whole count, decimal places) of the target's values."""
    unit = target.unit or ""
    percent = unit in validation.PERCENT_UNITS
    per_head = any(w in (target.indicator or "") for w in validation.PER_CAPITA)
    count = unit in validation.COUNT_UNITS and not per_head
    places = 0 if count else (2 if per_head else 1)
    return percent, count, places


def trajectory(target: pm.Target, goal: float | None, rng: random.Random) -> list[Decimal | None]:
    """Values for 2023, 2024, 2025 moving plausibly toward ``goal`` (default: the target's)."""
    if target.value is None and goal is None:
        return [None] * len(YEARS)
    percent, count, places = _shape(target)
    if goal is None:
        goal = float(target.value)
        if target.comparator == "between" and target.value_max is not None:
            goal = rng.uniform(float(target.value), float(target.value_max))
    due = min(max(target.year or YEARS[-1], YEARS[0]), YEARS[-1])
    lower_better = target.comparator in ("<=", "<")
    kind = target.kind
    values: list[float] = []
    if kind == "annual_change":
        # reported as the level (近视率 %), the engine works out each year's change
        level = rng.uniform(50.0, 56.0)
        for factor in ((0.6, 0.95), (0.9, 1.2), (1.0, 1.35)):
            level -= goal * rng.uniform(*factor) if target.direction != "increase" else -goal * rng.uniform(*factor)
            values.append(level)
    elif kind == "per_unit" and goal > 1:
        # the units that have their supervisor/director, growing to all of them
        values = [math.floor(goal * rng.uniform(0.55, 0.8)), math.floor(goal * rng.uniform(0.8, 0.95)), goal]
    elif kind in ("frequency", "per_unit"):
        bump = 1 if count else (0.5 if goal >= 1 else 0.1)
        values = [goal, goal, goal + (bump if rng.random() < 0.35 else 0)]
    elif kind == "cumulative":
        for year in YEARS:
            share = min(1.0, (year - 2022) / (due - 2022))
            v = goal * share * (rng.uniform(0.75, 1.0) if share < 1 else 1.0)
            if share >= 1 and rng.random() < 0.3:
                v += 1 if count else goal * 0.1
            values.append(max(values[-1] if values else 0.0, v))
    else:  # level, coverage and the rest: from a baseline toward the goal by its year
        start = goal * (rng.uniform(1.08, 1.22) if lower_better else rng.uniform(0.78, 0.93))
        if target.has_baseline and target.baseline_value is not None:
            start = float(target.baseline_value)
        for year in YEARS:
            share = min(1.0, (year - 2022) / (due - 2022 + 0.5)) if year < due else 1.0
            v = start + (goal - start) * share
            if year >= due:
                v = goal * (rng.uniform(0.97, 1.0) if lower_better else rng.uniform(1.0, 1.03))
            values.append(v)
    if percent:
        values = [min(100.0, max(0.0, v)) for v in values]
    if count:
        values = [float(round(v)) for v in values]
    return [_quantize(v, places) for v in values]


# --- words ----------------------------------------------------------------------------------------

DEEDS = [
    "制定年度工作方案，明确责任科室、完成时限和工作标准",
    "召开专题推进会{n}次，逐项梳理任务清单，建立工作台账",
    "会同有关部门开展联合调研，摸清底数，找准薄弱环节",
    "将相关工作纳入本单位年度重点工作，实行月调度、季通报",
    "组织业务骨干参加市级培训{n}人次，提升工作能力",
    "通过县融媒体中心和微信公众号宣传相关做法{n}次，群众知晓率明显提高",
    "争取上级资金和本级财政资金共{m}万元，保障项目顺利实施",
    "邀请儿童代表和家长参与方案讨论，收集意见建议{n}条",
]
TOWN_DEEDS = [
    "成立由分管负责同志牵头的工作专班，细化责任到村（社区）",
    "在{village}先行试点，形成可复制的做法后逐步推开",
    "组织{village}等村（社区）儿童主任开展业务培训{n}人次",
    "结合老旧小区改造和美丽乡村建设统筹推进，节约资金、减少重复建设",
    "发动社会组织和志愿者参与，开展儿童主题活动{n}场",
]
PROBLEMS = [
    "农村地区专业人员相对不足，服务能力还需加强",
    "部分项目受用地和资金安排影响，进度偏慢",
    "基层统计口径不够统一，数据核实工作量较大",
    "宣传发动还不够深入，群众参与度有待提高",
    "部门之间信息共享机制还不完善",
]
NEXT = [
    "下一步将加大统筹协调力度，确保按期完成目标任务",
    "下一步将重点做好督导检查和经验总结，推动工作常态化",
    "明年将继续加大投入，推动工作提质增效",
    "下一步将对照方案要求查漏补缺，补齐短板弱项",
]
RETURN_COMMENTS = [
    "进展情况过于笼统，请补充具体做法、完成数量和时间节点。",
    "“{indicator}”的数值与统计部门口径不一致，请核实后重新报送。",
    "缺少佐证材料，请上传相关文件或现场照片。",
    "请补充存在的问题和下一步打算。",
]
APPROVER_RETURN = "数据需经分管负责同志审定，请补充数据来源后重新报送。"
FIXES = [
    "按审核意见补充：已对照工作台账逐项核实，补充了完成数量和时间节点，相关材料已上传。",
    "按审核意见补充：数据已与统计部门核对一致，口径为年末时点数。",
    "按审核意见补充：目前主要问题是基层力量不足，下一步将通过购买服务等方式补齐。",
]


def _value_sentence(target: pm.Target, value: Decimal | None, year: int) -> str:
    indicator = (target.indicator or "").strip("，。 ")
    if value is None:
        return f"“{indicator}”按计划推进"
    return f"截至{year}年底，{indicator}为{display.quantity(value, target.unit)}（方案目标：{display.target_body(target)}）"


def narrative(rng: random.Random, *, task: pm.Task, unit: OrgUnit, year: int, stage: str,
              values: list[tuple[pm.Target, Decimal | None]], villages: list[str]) -> str:
    n, m = rng.randint(2, 6), rng.choice([12, 18, 25, 36, 50, 80])
    pool = TOWN_DEEDS + DEEDS[:3] if unit.kind == K.TOWN else DEEDS
    village = rng.choice(villages) if villages else "辖区"
    deeds = [d.format(n=n, m=m, village=village) for d in rng.sample(pool, 2)]
    parts = [f"{year}年，{unit.name}围绕“{task.title.strip('。')}”，{deeds[0]}；{deeds[1]}。"]
    sentences = [_value_sentence(t, v, year) for t, v in values if t.kind != "milestone"]
    if sentences:
        parts.append("；".join(sentences[:3]) + "。")
    if stage == Report.Stage.DONE:
        parts.append("本项任务已按方案要求完成，下一步将巩固成果、形成长效机制。")
    elif stage == Report.Stage.BLOCKED:
        parts.append(f"存在的问题：{PROBLEMS[1]}，需要县级层面协调解决。")
    else:
        parts.append(f"存在的问题：{rng.choice(PROBLEMS)}。{rng.choice(NEXT)}。")
    return "".join(parts)


def _full_name(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))
        if name not in taken:
            taken.add(name)
            return name


# --- the build ------------------------------------------------------------------------------------

@dataclass
class DemoUser:
    username: str
    name: str
    unit: str
    role: str
    password: str


@dataclass
class Result:
    plan: pm.Plan
    seed: int
    users: list[DemoUser] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    imported_plan: bool = False


@dataclass
class Job:
    """One report the demo writes (or leaves missing): who, what, when, and how it goes."""
    assignment: Assignment
    period: Period
    # accepted, late, returned, approver_returned, corrected, submitted, approved, returned_open,
    # draft, missing (the keys of ``summary``'s words)
    scenario: str


def _scenarios(jobs: list[tuple[Assignment, Period]], year: int, latest: bool, rng: random.Random,
               has_approver: set[int], correction: tuple[int, int] | None) -> list[Job]:
    """Decide how each report of one period goes: mostly accepted; some returned and fixed;
    a few late or missing; in the latest period some still awaiting review."""
    order = list(jobs)
    rng.shuffle(order)
    out: list[Job] = []
    quotas = ([("missing", 4), ("draft", 2), ("returned_open", 2), ("submitted", 8), ("approved", 8),
               ("returned", 4), ("approver_returned", 1), ("late", 3)] if latest else
              [("missing", 1 if year == YEARS[0] else 2), ("returned", 8), ("approver_returned", 2),
               ("late", 4)])
    wanted = [s for s, k in quotas for _ in range(k)]
    for a, p in order:
        if correction and (a.task_id, a.org_unit_id) == correction and year == YEARS[1]:
            out.append(Job(a, p, "corrected"))
            continue
        scenario = "accepted"
        for i, s in enumerate(wanted):
            if s in ("submitted", "approver_returned") and a.org_unit_id not in has_approver:
                continue
            scenario = wanted.pop(i)
            break
        out.append(Job(a, p, scenario))
    return out


@dataclass
class DemoContext:
    """What an app's demo extension gets: the demo county, its plan and yearly periods, a seed
    for its own ``random.Random(f"{seed}:<app>")``, ``create_user(username, name, unit, role)``
    and the simulated clock (``clock.set(datetime)`` to date what it writes; set it back to
    ``clock.real`` before returning)."""
    area: OrgUnit
    plan: pm.Plan
    periods: list
    seed: int
    create_user: object
    clock: object


# usernames the extensions will create (checked against the database before the demo starts)
EXTENSION_USERNAMES: list[str] = []
# f(DemoContext) -> list of (username, name, unit name, role label, password) tuples it made;
# an app appends its own in its AppConfig.ready(); called in order, inside the demo's transaction
EXTENSIONS: list = []


def build(*, seed: int, reference: importer.Plan, plan: pm.Plan | None, progress=None) -> Result:
    """Write the whole demo in one transaction. ``progress``: a tqdm-like object or None."""
    rng = random.Random(seed)
    clock = Clock()
    from cfcity.monitoring.services import deferred_recompute  # monitoring builds on reporting
    with deferred_recompute():  # statuses and warnings once, after the commit
        with clock.running(), transaction.atomic():
            return _build(rng, seed, clock, reference, plan, progress)


def _tick(progress, n=1, text=None):
    if progress is not None:
        if text:
            progress.set_description_str(text)
        progress.update(n)


def _build(rng, seed, clock, reference, plan, progress) -> Result:
    first = min(YEARS)
    clock.set(_moment(datetime.date(first, 11, 13), rng))
    imported = plan is None
    if plan is None:
        plan = plan_services.store_plan(reference)
    area = plan.area
    result = Result(plan=plan, seed=seed, imported_plan=imported)
    _tick(progress, 1, "导入方案")

    # the tree: towns with villages, institutions, two offices for the read-only roles
    village_names: dict[int, list[str]] = {}
    towns: dict[str, OrgUnit] = {}
    for i, (town, (_, villages)) in enumerate(TOWNS.items()):
        unit = OrgUnit.objects.create(name=town, kind=K.TOWN, parent=area, order=100 + i)
        towns[town] = unit
        OrgUnit.objects.bulk_create(
            OrgUnit(name=v, kind=K.VILLAGE, parent=unit, order=j) for j, v in enumerate(villages))
        village_names[unit.pk] = villages
    depts = {u.name: u for u in OrgUnit.objects.filter(parent=area, kind=K.DEPARTMENT)}
    for dept, units in INSTITUTIONS.items():
        if dept in depts:
            OrgUnit.objects.bulk_create(OrgUnit(name=n + SYNTHETIC, kind=k, parent=depts[dept], order=j)
                                        for j, (n, k) in enumerate(units))
    inspection = OrgUnit.objects.create(name="县政府督查室", kind=K.DEPARTMENT, parent=area, order=90)
    evaluation = OrgUnit.objects.create(name="第三方评估机构" + SYNTHETIC, kind=K.OTHER, parent=area, order=91)
    log_action("orgs.unit.created", obj=area, org_unit=area, data={
        "after": {"towns": list(TOWNS), "villages": sum(len(v) for _, v in TOWNS.values()),
                  "institutions": sum(len(v) for v in INSTITUTIONS.values()) + 2}, "via": "demo"})
    _tick(progress, 1, "单位")

    # users for every role
    User = get_user_model()
    taken: set[str] = set()
    users: dict[str, User] = {}
    reporters: dict[int, User] = {}
    approvers: set[int] = set()
    all_depts = list(dict.fromkeys(
        n for t in reference.tasks() for n in (*t.lead_departments, *t.cooperating_departments)))
    people = [("fegw_xt", depts[COORDINATOR_UNIT], Role.COORDINATOR)] if COORDINATOR_UNIT in depts else []
    for d in all_depts:
        people.append((f"{_abbr(d, all_depts)}_tb", depts[d], Role.DEPT_REPORTER))
        if d in APPROVER_DEPTS:
            people.append((f"{DEPT_ABBR[d]}_sh", depts[d], Role.DEPT_APPROVER))
    people += [(f"{abbr}_tb", towns[t], Role.TOWN_REPORTER) for t, (abbr, _) in TOWNS.items()]
    people += [("lingdao", area, Role.LEADER), ("ducha", inspection, Role.INSPECTOR),
               ("pinggu", evaluation, Role.EVALUATOR), ("xtgl", area, Role.ADMIN), ("shenji", area, Role.AUDITOR)]
    from cfcity.accounts import services as accounts
    for username, unit, role in people:
        name = _full_name(rng, taken)
        with _demo_hashing():
            user, password = accounts.create_user(username, name, unit, role, actor=None)
        if role == Role.ADMIN:  # the system administrator works in 后台管理
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        users[username] = user
        if role in (Role.DEPT_REPORTER, Role.TOWN_REPORTER):
            reporters[unit.pk] = user
        if role == Role.DEPT_APPROVER:
            approvers.add(unit.pk)
        result.users.append(DemoUser(username, name, unit.name, Role(role).label, password))
    # demo users are not made to change the password first (they would, in real use)
    Profile.objects.filter(user__in=users.values()).update(must_change_password=False)
    User.objects.filter(pk__in=[u.pk for u in users.values()]).update(date_joined=clock.now())
    _tick(progress, 1, "用户")
    coordinator = users.get("fegw_xt")
    approver_of = {u.membership.org_unit_id: u for u in users.values() if u.membership.role == Role.DEPT_APPROVER}

    # periods, assignments, the breakdown over towns
    services.create_periods(plan, Period.Kind.YEAR, YEARS, actor=coordinator)
    services.sync_assignments(plan)
    tasks = {t.number: t for t in pm.Task.objects.filter(plan=plan).prefetch_related("targets")}
    for number, spread in SHARES.items():
        task = tasks.get(number)
        target = task.targets.order_by("order").first() if task else None
        if target is None:
            continue
        for town, value in spread:
            services.set_share(target, towns[town], value, actor=coordinator,
                               note=f"由{town}承担 {display.quantity(value, target.unit)}")
    if PER_TOWN_TASK in tasks and tasks[PER_TOWN_TASK].targets.exists():
        target = tasks[PER_TOWN_TASK].targets.order_by("order").first()
        for town in towns.values():
            services.set_share(target, town, 1, actor=coordinator, note="每个镇（街道）至少配备1名")
    _tick(progress, 1, "周期与分工")

    # the reports
    assignments = list(Assignment.objects.filter(task__plan=plan).select_related("task", "org_unit")
                       .order_by("task__number", "org_unit__name"))
    assignments = [a for a in assignments if a.org_unit_id in reporters]
    if progress is not None:
        progress.total = 4 + len(YEARS) * len(assignments)
        progress.refresh()
    shares = {(s.target_id, s.org_unit_id): float(s.value) for s in TargetShare.objects.filter(target__plan=plan)}
    targets = {t.number: list(t.targets.order_by("order")) for t in tasks.values()}
    periods = list(Period.objects.filter(plan=plan, kind=Period.Kind.YEAR, year__in=YEARS).order_by("year"))
    corr = next(((a.task_id, a.org_unit_id) for a in assignments
                 if a.task.number == 6 and a.org_unit.name == "县卫生健康局"), None)
    if corr is None:
        corr = next(((a.task_id, a.org_unit_id) for a in assignments
                     if a.role == Assignment.Role.LEAD and targets[a.task.number]
                     and targets[a.task.number][0].value is not None), None)
    paths: dict[tuple[int, int], list] = {}
    for a in assignments:
        r = random.Random(f"{seed}:{a.task.number}:{a.org_unit.name}")
        row = []
        for t in targets[a.task.number]:
            goal = shares.get((t.pk, a.org_unit_id))
            if goal is None and t.kind == "per_unit" and a.org_unit.kind == K.DEPARTMENT:
                # the lead department counts the towns or villages that have one
                goal = float(len(towns) if "村" not in (t.per or t.indicator)
                             else sum(len(v) for v in village_names.values()) or 1)
            if goal is None and a.org_unit.kind == K.TOWN and t.value is not None:
                if t.kind == "per_unit" and "村" in (t.per or t.indicator):
                    goal = float(len(village_names.get(a.org_unit_id, [])) or 1)
                elif _shape(t)[1]:
                    goal = float(max(1, round(float(t.value) / len(towns))))
            row.append((t, trajectory(t, goal, r)))
        paths[(a.task_id, a.org_unit_id)] = row

    writer = _Writer(rng, clock, coordinator, reporters, approver_of, village_names)
    for index, period in enumerate(periods):
        latest = index == len(periods) - 1
        jobs = _scenarios([(a, period) for a in assignments], period.year, latest, rng, approvers, corr)
        for job in sorted(jobs, key=lambda j: (j.assignment.task.number, j.assignment.org_unit.name)):
            writer.write(job, [(t, vals[index]) for t, vals in paths[(job.assignment.task_id,
                                                                         job.assignment.org_unit_id)]],
                         latest=latest)
            _tick(progress, 1, f"{period.label}报告")

    result.counts = writer.counts
    clock.set(clock.real)

    # the register of children in difficulty and the roster (cfcity.welfare.demo)
    def welfare_user(username, name, unit, role):
        with _demo_hashing():
            return accounts.create_user(username, name, unit, role, actor=None)
    made = welfare_demo.build(area=area, rng=random.Random(f"{seed}:welfare"), create_user=welfare_user,
                              last_period_end=periods[-1].ends if periods else None)
    result.users += [DemoUser(*u) for u in made.users]
    # later apps (supervision, work plans, cases …) add their part through EXTENSIONS
    context = DemoContext(area=area, plan=plan, periods=periods, seed=seed, create_user=welfare_user,
                          clock=clock)
    for extend in EXTENSIONS:
        result.users += [DemoUser(*u) for u in (extend(context) or [])]
    log_action(MARKER_ACTION, actor=None, obj=plan, org_unit=area, data={
        "note": NOTE, "seed": seed, "users": len(result.users), "counts": writer.counts})
    return result


def steps(reference: importer.Plan) -> int:
    """How many progress steps ``build`` reports (for the bar's total)."""
    per_period = sum(len(t.lead_departments) + len(t.cooperating_departments) for t in reference.tasks())
    towns_tasks = sum(len(v) for v in SHARES.values()) + len(TOWNS)
    return 4 + len(YEARS) * (per_period + towns_tasks)


class _Writer:
    """Takes one report through the workflow as its scenario says, at simulated times."""

    def __init__(self, rng, clock, coordinator, reporters, approver_of, village_names):
        self.rng, self.clock = rng, clock
        self.coordinator, self.reporters, self.approver_of = coordinator, reporters, approver_of
        self.village_names = village_names
        self.last = clock.now()
        self.counts: dict[str, int] = {}

    def _at(self, day: datetime.date, *, first: bool = False) -> datetime.date:
        """Move the clock to a working-hours moment on ``day``, after the report's last step."""
        moment = _moment(day, self.rng)
        if not first and moment <= self.last:
            moment = self.last + datetime.timedelta(minutes=self.rng.randint(5, 90))
        self.last = moment
        self.clock.set(moment)
        return timezone.localtime(moment).date()

    def _later(self, day: datetime.date, low: int, high: int) -> datetime.date:
        return self._at(day + datetime.timedelta(days=self.rng.randint(low, high)))

    def _stage(self, values, latest: bool, year: int) -> str:
        if year == YEARS[0]:
            return Report.Stage.IN_PROGRESS
        reached = all(v is not None for _, v in values) and self.rng.random() < 0.6
        if latest:
            return Report.Stage.BLOCKED if self.rng.random() < 0.04 else Report.Stage.DONE if (
                reached or self.rng.random() < 0.5) else Report.Stage.IN_PROGRESS
        return Report.Stage.IN_PROGRESS

    def _save(self, report, user, values, stage, text):
        return workflow.save_report(report, user=user, version=report.version, narrative=text, stage=stage,
                                    values={t.pk: v for t, v in values})

    def _evidence(self, report, user, year, photo=False):
        label = f"{report.task.number}-{report.org_unit_id}-{year}"
        if photo:
            data = tiny_png(tuple(self.rng.randint(60, 180) for _ in range(3)))
            name = f"{report.org_unit.name}{year}年工作现场照片（演示）.png"
        else:
            data = tiny_pdf(f"cfcity demo evidence {label} - synthetic, not real")
            name = f"{report.org_unit.name}{year}年工作台账（演示）.pdf"
        workflow.add_evidence(report, user=user, name=name, data=data)

    def _count(self, key):
        self.counts[key] = self.counts.get(key, 0) + 1

    def _minutes(self):
        """A few minutes pass: read it over, then press 报送."""
        self.last += datetime.timedelta(minutes=self.rng.randint(2, 25))
        self.clock.set(self.last)

    def _submit_and_approve(self, report, user, day, *, approve=True):
        self._minutes()
        report = workflow.submit(report, user=user)
        approver = self.approver_of.get(report.org_unit_id)
        if approver is not None and report.status == S.SUBMITTED and approve:
            day = self._later(day, 1, 3)
            report = workflow.approve(report, user=approver,
                                      comment=self.rng.choice(["", "", "经审核，情况属实。", "同意报送。"]))
        return report, day

    def write(self, job: Job, values, *, latest: bool):
        scenario, period, a = job.scenario, job.period, job.assignment
        self._count(scenario)
        if scenario == "missing":
            return
        rng, year = self.rng, period.year
        user = self.reporters[a.org_unit_id]
        coordinator = self.coordinator
        villages = self.village_names.get(a.org_unit_id, [])
        stage = self._stage(values, latest, year)
        text = narrative(rng, task=a.task, unit=a.org_unit, year=year, stage=stage, values=values,
                         villages=villages)
        if scenario == "late":
            day = self._at(period.deadline + datetime.timedelta(days=rng.randint(3, 25)), first=True)
        else:
            day = self._at(period.opens + datetime.timedelta(days=rng.randint(5, 42)), first=True)
        report = workflow.open_report(a.task, a.org_unit, period, user=user)
        # sometimes a first draft without everything, then the full save
        if scenario == "draft" or rng.random() < 0.3:
            first = [(t, v if rng.random() < 0.5 else None) for t, v in values]
            report = self._save(report, user, first, Report.Stage.IN_PROGRESS, text.split("。")[0] + "。")
            if scenario == "draft":
                return
            day = self._later(day, 0, 2)
        report = self._save(report, user, values, stage, text)
        if rng.random() < 0.22:
            self._evidence(report, user, year, photo=rng.random() < 0.4)
        approve = scenario != "submitted"
        if scenario == "approver_returned":
            self._minutes()
            report = workflow.submit(report, user=user)
            day = self._later(day, 1, 2)
            approver = self.approver_of[a.org_unit_id]
            report = workflow.return_report(report, user=approver, comment=APPROVER_RETURN)
            day = self._later(day, 1, 3)
            report = self._save(report, user, values, stage, text + FIXES[1])
        report, day = self._submit_and_approve(report, user, day, approve=approve)
        if scenario in ("submitted", "approved"):
            return
        day = self._later(day, 2, 9)
        if scenario in ("returned", "returned_open"):
            indicator = next((t.indicator for t, v in values if v is not None), "相关指标")
            i = rng.randrange(len(RETURN_COMMENTS))
            report = workflow.return_report(report, user=coordinator,
                                            comment=RETURN_COMMENTS[i].format(indicator=indicator))
            if scenario == "returned_open":
                return
            day = self._later(day, 1, 5)
            if i == 2:
                self._evidence(report, user, year)
            report = self._save(report, user, values, stage, text + FIXES[(0, 1, 0, 2)[i]])
            report, day = self._submit_and_approve(report, user, day)
            day = self._later(day, 1, 6)
        report = workflow.accept(report, user=coordinator,
                                 comment=rng.choice(["", "", "", "采纳。", "情况清楚，予以采纳。"]))
        if scenario == "corrected":
            day = self._at(period.closes + datetime.timedelta(days=rng.randint(20, 60)))
            changed = []
            for t, v in values:
                if v is not None and t.kind != "milestone":
                    percent, count, places = _shape(t)
                    step = Decimal(1) if count else Decimal(1).scaleb(-places)
                    changed.append((t, min(v + step, Decimal(100)) if percent else v + step))
                else:
                    changed.append((t, v))
            new = workflow.start_correction(report, user=user, reason=(
                f"{year}年数据复核时发现漏报了社区嵌入式服务点，按统计部门反馈更正数值。"))
            day = self._later(day, 0, 1)
            new = self._save(new, user, changed, stage,
                             text + f"（更正说明：经复核，{year}年数据漏报部分服务点，已按统计部门反馈更正。）")
            new, day = self._submit_and_approve(new, user, day)
            day = self._later(day, 1, 5)
            workflow.accept(new, user=coordinator, comment="更正后的数据已核实，予以采纳。")


def summary(result: Result) -> list[str]:
    """Chinese lines on what was made (for the terminal)."""
    c = result.counts
    words = {"accepted": "按时报送并采纳", "late": "逾期报送后采纳", "returned": "退回修改后采纳",
             "approver_returned": "单位审核人退回修改后采纳", "corrected": "采纳后又更正",
             "submitted": "已报送待单位审核", "approved": "单位已审核待采纳",
             "returned_open": "已退回待修改", "draft": "草稿未报送", "missing": "未报送（已过期限）"}
    made = sum(v for k, v in c.items() if k != "missing")
    lines = [f"已生成演示数据（随机种子 {result.seed}）。{NOTE}"]
    if result.imported_plan:
        lines.append(f"已导入默认方案：{result.plan.title}（{result.plan.doc_number}）")
    lines.append(f"单位：{len(TOWNS)} 个镇（街道）、{sum(len(v) for _, v in TOWNS.values())} 个村（社区），"
                 f"学校、幼儿园、医院 {sum(len(v) for v in INSTITUTIONS.values())} 个；"
                 f"填报周期：{'、'.join(f'{y}年' for y in YEARS)}；报告 {made} 份。")
    lines.append("其中：" + "，".join(f"{words[k]} {c[k]}" for k in words if c.get(k)) + "。")
    return lines
