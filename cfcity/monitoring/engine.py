"""The progress engine: how far each target has come, and whether that is enough.

Plain functions and dataclasses, no Django: the pages, the API and the reports feed it
``TargetSpec`` + ``Point`` values and show what ``assess`` and ``roll_up`` return.  Every
rule here is explained, with its defaults and the reasons for them, in
``docs/methodology.md`` — change the two together.

Two views of one target:

* the main view (``Assessment.status``): progress from the baseline towards the target
  (0–100 %, direction-aware) against the progress expected on a straight line from the
  baseline to the deadline, with a rule of its own for each kind of target;
* for ``level`` targets, a second, rate-based view (``Assessment.sdg``) in the style of the
  UN SDG Progress Chart, computed as Open SDG's sdg-build does (``sdg/ProgressMeasure.py``):
  the ratio of the observed compound annual growth rate since the baseline to the rate
  needed to reach the target by its year.
"""
from __future__ import annotations

import datetime
import enum
import math
from dataclasses import dataclass, field, fields
from typing import Mapping, Sequence

__all__ = [
    "Status", "SdgCategory", "Thresholds", "DEFAULT_THRESHOLDS", "TargetSpec", "Point",
    "SdgView", "YearChange", "Assessment", "RollUp", "assess", "sdg_view", "roll_up",
    "roll_up_groups", "status_score", "meets", "running_total", "KINDS", "COMPARATORS",
]

KINDS = ("level", "cumulative", "coverage", "annual_change", "frequency", "per_unit", "milestone")
COMPARATORS = (">=", ">", "<=", "<", "==", "between")


# ---------------------------------------------------------------- statuses and categories

class Status(str, enum.Enum):
    """The main verdict on a target (and on a group of targets)."""
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"
    NOT_DUE = "not_due"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]

    def __str__(self) -> str:
        return self.value


_STATUS_LABELS = {
    Status.ACHIEVED: "已达标",
    Status.ON_TRACK: "进展正常",
    Status.AT_RISK: "存在风险",
    Status.OFF_TRACK: "严重滞后",
    Status.NO_DATA: "暂无数据",
    Status.NOT_DUE: "未到评估期",
}


class SdgCategory(str, enum.Enum):
    """The UN SDG Progress Chart categories (trend of a target with a numerical value)."""
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    ACCELERATE = "accelerate"
    LIMITED = "limited"
    DETERIORATION = "deterioration"
    NOT_AVAILABLE = "not_available"

    @property
    def label(self) -> str:
        return _SDG_LABELS[self]

    def __str__(self) -> str:
        return self.value


_SDG_LABELS = {
    SdgCategory.ACHIEVED: "已实现目标",
    SdgCategory.ON_TRACK: "按当前增速可按期实现",
    SdgCategory.ACCELERATE: "有进展但需加速",
    SdgCategory.LIMITED: "进展有限或无进展",
    SdgCategory.DETERIORATION: "出现倒退",
    SdgCategory.NOT_AVAILABLE: "数据不足，无法评估",
}

# how an SDG category reads as a main status, to tell whether the two views agree
_SDG_AS_STATUS = {
    SdgCategory.ACHIEVED: Status.ACHIEVED,
    SdgCategory.ON_TRACK: Status.ON_TRACK,
    SdgCategory.ACCELERATE: Status.AT_RISK,
    SdgCategory.LIMITED: Status.OFF_TRACK,
    SdgCategory.DETERIORATION: Status.OFF_TRACK,
}


# ---------------------------------------------------------------- thresholds (settings)

@dataclass(frozen=True)
class Thresholds:
    """Every number the engine judges by.  Defaults are explained in docs/methodology.md."""
    # main view: how many percentage points progress may lag the straight line
    at_risk_gap: float = 10.0   # lag ≤ this → on track
    off_track_gap: float = 25.0  # lag ≤ this → at risk; more → off track
    # SDG view: the ratio of the observed to the required compound annual growth rate
    sdg_on_track: float = 0.95
    sdg_accelerate: float = 0.5
    sdg_limited: float = -0.1
    # Open SDG replaces a zero base value or zero target by this before taking ratios
    sdg_zero_replacement: float = 0.001
    # roll-ups: per-target score of an at-risk target, and the group cut-offs
    score_at_risk: float = 50.0
    group_on_track: float = 80.0
    group_at_risk: float = 50.0
    # roll-ups: a target with no data counts as 0 (True) or is left out of the score (False)
    missing_counts_as_zero: bool = True

    def __post_init__(self):
        problems = []
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name == "missing_counts_as_zero":
                if not isinstance(v, bool):
                    problems.append(f"{f.name} 应为 true 或 false，现为 {v!r}")
            elif isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                problems.append(f"{f.name} 应为有限的数值，现为 {v!r}")
        if problems:
            raise ValueError("阈值设置有误：" + "；".join(problems))
        if not 0 <= self.at_risk_gap <= self.off_track_gap <= 100:
            problems.append(f"应满足 0 ≤ at_risk_gap（{self.at_risk_gap}）≤ off_track_gap"
                            f"（{self.off_track_gap}）≤ 100")
        if not self.sdg_limited < self.sdg_accelerate < self.sdg_on_track:
            problems.append(f"应满足 sdg_limited（{self.sdg_limited}）< sdg_accelerate"
                            f"（{self.sdg_accelerate}）< sdg_on_track（{self.sdg_on_track}）")
        if not self.sdg_zero_replacement > 0:
            problems.append(f"sdg_zero_replacement 应大于 0，现为 {self.sdg_zero_replacement}")
        if not 0 <= self.score_at_risk <= 100:
            problems.append(f"score_at_risk 应在 0 到 100 之间，现为 {self.score_at_risk}")
        if not 0 <= self.group_at_risk <= self.group_on_track <= 100:
            problems.append(f"应满足 0 ≤ group_at_risk（{self.group_at_risk}）≤ group_on_track"
                            f"（{self.group_on_track}）≤ 100")
        if problems:
            raise ValueError("阈值设置有误：" + "；".join(problems))

    @classmethod
    def from_mapping(cls, d: Mapping | None) -> "Thresholds":
        """Defaults overridden by ``d`` (e.g. from the settings).  Unknown keys and bad values
        raise ValueError with a Chinese message.  Numbers may be given as numeric strings
        (as environment variables are); the flag as true/false."""
        if d is None:
            return cls()
        if not isinstance(d, Mapping):
            raise ValueError(f"阈值设置应为键值对（dict），现为 {type(d).__name__}")
        names = [f.name for f in fields(cls)]
        unknown = [k for k in d if k not in names]
        if unknown:
            raise ValueError(f"未知的阈值设置：{'、'.join(map(str, unknown))}（可用：{'、'.join(names)}）")
        values = {}
        for k, v in d.items():
            if k == "missing_counts_as_zero":
                if isinstance(v, str) and v.strip().lower() in ("true", "1", "yes", "是"):
                    v = True
                elif isinstance(v, str) and v.strip().lower() in ("false", "0", "no", "否"):
                    v = False
            elif isinstance(v, str):
                try:
                    v = float(v.strip())
                except ValueError:
                    raise ValueError(f"阈值设置有误：{k} 应为数值，现为 {v!r}") from None
            values[k] = v
        return cls(**values)


DEFAULT_THRESHOLDS = Thresholds()


# ---------------------------------------------------------------- inputs

@dataclass(frozen=True)
class TargetSpec:
    """One target as the engine needs it.  Numbers may be Decimal (from the database)."""
    kind: str
    comparator: str | None = None  # one of COMPARATORS
    value: float | None = None  # the target value; for annual_change the required change a year
    value_max: float | None = None  # upper bound when comparator == "between"
    year: int | None = None  # deadline year: the deadline is 31 December of it
    direction: str | None = None  # "increase" / "decrease": annual_change only
    baseline_value: float | None = None
    baseline_year: int | None = None
    start_year: int | None = None  # plan start, used when there is no baseline year
    end_year: int | None = None  # plan end: the deadline year when ``year`` is None
    unit: str | None = None  # only for the wording of reasons (e.g. "%")


@dataclass(frozen=True)
class Point:
    """An accepted value at a date.  For coverage / per_unit / frequency the caller passes the
    share (0–100 %) of the units concerned that meet the requirement at that date; for
    cumulative, the running total built so far (see ``running_total``)."""
    when: datetime.date
    value: float


# ---------------------------------------------------------------- outputs

@dataclass
class SdgView:
    category: SdgCategory
    ratio: float | None = None
    actual_rate: float | None = None  # observed compound annual growth rate, a fraction (-0.05 = -5 %/年)
    required_rate: float | None = None  # the rate needed to reach the target by its year, a fraction
    note: str = ""  # Chinese: how the category was reached, or why it is not available
    base_year: int | None = None
    base_value: float | None = None
    current_year: int | None = None
    current_value: float | None = None
    target_value: float | None = None  # the value used (a bound of a range; 0 replaced)
    target_year: int | None = None


@dataclass
class YearChange:
    """annual_change: the change in one year (per year if years are missing between)."""
    year: int
    value: float
    change: float  # in the required direction: positive is good
    met: bool


@dataclass
class Assessment:
    status: Status
    latest: float | None = None
    latest_when: datetime.date | None = None
    baseline: float | None = None
    baseline_year: int | None = None
    progress: float | None = None  # 0–100, at the date of the latest value
    expected: float | None = None  # 0–100, the straight line at the date of the latest value
    sdg: SdgView | None = None
    reasons: list[str] = field(default_factory=list)
    disagreement: str | None = None
    # additions
    kind: str = ""
    deadline: datetime.date | None = None
    expected_now: float | None = None  # 0–100, the straight line at ``as_of``
    baseline_source: str | None = None  # "entered" / "first_point" / "plan_start"
    yearly: list[YearChange] = field(default_factory=list)  # annual_change only

    @property
    def gap(self) -> float | None:
        """Percentage points progress lags the straight line (negative: ahead)."""
        if self.progress is None or self.expected is None:
            return None
        return self.expected - self.progress


@dataclass
class RollUp:
    status: Status
    score: float | None
    counts: dict[Status, int]
    total: int
    with_data: int
    # additions
    weight: float = 0.0  # the weight that entered the score
    summary: str = ""  # Chinese: what the status rests on


# ---------------------------------------------------------------- small helpers

def _num(x) -> float | None:
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) else x


def _year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


def _as_date(d) -> datetime.date:
    return d.date() if isinstance(d, datetime.datetime) else d


def _clip(x: float) -> float:
    return max(0.0, min(100.0, x))


def _fmt(x: float | None) -> str:
    if x is None:
        return "—"
    s = f"{round(x, 2):.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f}%"


def _rate(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.2f}%"


def _eps(t: float) -> float:
    return 1e-9 * max(1.0, abs(t))


def meets(comparator: str, value: float, value_max: float | None, x: float) -> bool:
    """Whether ``x`` satisfies the target (float noise tolerated for ≥, ≤, = and ranges)."""
    t = value
    if comparator == ">=":
        return x >= t - _eps(t)
    if comparator == ">":
        return x > t
    if comparator == "<=":
        return x <= t + _eps(t)
    if comparator == "<":
        return x < t
    if comparator == "==":
        return abs(x - t) <= _eps(t)
    if comparator == "between":
        lo, hi = min(t, value_max), max(t, value_max)
        return lo - _eps(lo) <= x <= hi + _eps(hi)
    raise ValueError(f"未知的比较方式：{comparator!r}")


def _distance(comparator: str, t: float, t_max: float | None, x: float) -> float:
    """How far ``x`` is from satisfying the target, in the target's units."""
    if comparator in (">=", ">"):
        return max(0.0, t - x)
    if comparator in ("<=", "<"):
        return max(0.0, x - t)
    if comparator == "==":
        return abs(x - t)
    lo, hi = min(t, t_max), max(t, t_max)
    return lo - x if x < lo else (x - hi if x > hi else 0.0)


def _target_text(comparator: str, t: float, t_max: float | None, unit: str | None) -> str:
    u = unit or ""
    if comparator == "between":
        lo, hi = min(t, t_max), max(t, t_max)
        return f"{_fmt(lo)}{u}～{_fmt(hi)}{u}"
    op = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}[comparator]
    return f"{op}{_fmt(t)}{u}"


def _fraction(start: datetime.date, end: datetime.date, at: datetime.date) -> float:
    """Straight-line share (0–100) of the way from ``start`` to ``end`` at ``at``."""
    span = (end - start).days
    if span <= 0:
        return 100.0
    return _clip((at - start).days / span * 100)


def _status_from_gap(gap: float, th: Thresholds) -> Status:
    if gap <= th.at_risk_gap:
        return Status.ON_TRACK
    if gap <= th.off_track_gap:
        return Status.AT_RISK
    return Status.OFF_TRACK


def _gap_reason(gap: float, status: Status, th: Thresholds) -> str:
    if gap <= 0:
        return f"进度不落后于直线进度（领先 {_fmt(-gap)} 个百分点），判为{status.label}。"
    if status is Status.ON_TRACK:
        return f"落后直线进度 {_fmt(gap)} 个百分点，不超过允许的 {_fmt(th.at_risk_gap)} 个百分点，判为{status.label}。"
    if status is Status.AT_RISK:
        return (f"落后直线进度 {_fmt(gap)} 个百分点，超过 {_fmt(th.at_risk_gap)} 个百分点"
                f"但不超过 {_fmt(th.off_track_gap)} 个百分点，判为{status.label}。")
    return f"落后直线进度 {_fmt(gap)} 个百分点，超过 {_fmt(th.off_track_gap)} 个百分点，判为{status.label}。"


def _worse(a: Status, b: Status) -> Status:
    order = [Status.ACHIEVED, Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK]
    return a if order.index(a) >= order.index(b) else b


def _observations(points: Sequence[Point], as_of: datetime.date) -> list[Point]:
    """The points on or before ``as_of`` with a value, oldest first (stable: on one date the
    last given wins as the latest)."""
    out = []
    for p in points:
        v = _num(p.value)
        when = _as_date(p.when)
        if v is not None and when <= as_of:
            out.append(Point(when, v))
    return sorted(out, key=lambda p: p.when)


def _deadline(spec: TargetSpec) -> datetime.date | None:
    year = spec.year if spec.year is not None else spec.end_year
    return _year_end(year) if year is not None else None


def _period_start(spec: TargetSpec) -> datetime.date | None:
    if spec.baseline_year is not None:
        return datetime.date(spec.baseline_year + 1, 1, 1)
    if spec.start_year is not None:
        return datetime.date(spec.start_year, 1, 1)
    return None


def _nothing(spec: TargetSpec, as_of: datetime.date, a: Assessment, what: str = "尚无已采纳的数据") -> Assessment:
    start = _period_start(spec)
    if start is not None and as_of < start:
        a.status = Status.NOT_DUE
        a.reasons.append(f"{what}；评估期从 {start.isoformat()} 开始，判为{Status.NOT_DUE.label}。")
    else:
        a.status = Status.NO_DATA
        tail = "（已过截止期）" if a.deadline is not None and as_of > a.deadline else ""
        a.reasons.append(f"{what}{tail}，判为{Status.NO_DATA.label}。")
    return a


@dataclass
class _Base:
    value: float
    year: int | None
    when: datetime.date | None
    source: str  # entered / first_point / plan_start
    note: str


def _baseline(spec: TargetSpec, obs: list[Point], *, zero_at_start: bool = False) -> _Base | None:
    bv = _num(spec.baseline_value)
    if bv is not None:
        if spec.baseline_year is not None:
            return _Base(bv, spec.baseline_year, _year_end(spec.baseline_year), "entered",
                         f"基期值 {_fmt(bv)}（{spec.baseline_year}年，协调员录入）。")
        if spec.start_year is not None:
            y = spec.start_year - 1
            return _Base(bv, y, _year_end(y), "entered",
                         f"基期值 {_fmt(bv)}（协调员录入，未填基期年份，按方案起始前的 {y} 年底计）。")
        return _Base(bv, None, None, "entered", f"基期值 {_fmt(bv)}（协调员录入，未填基期年份）。")
    if zero_at_start and spec.start_year is not None:
        y = spec.start_year - 1
        return _Base(0.0, y, _year_end(y), "plan_start", f"累计数从方案起始（{y} 年底）的 0 起算。")
    if obs:
        p = obs[0]
        return _Base(p.value, p.when.year, p.when, "first_point",
                     f"未录入基期值，以第一期数据 {_fmt(p.value)}（{p.when.isoformat()}）为基期。")
    return None


# ---------------------------------------------------------------- the SDG (rate-based) view

def _cagr(v1: float, v0: float, t1: int, t0: int) -> float:
    # sdg-build growth_calculation: ((val1 / val2) ** (1 / (t1 - t2))) - 1
    return (v1 / v0) ** (1 / (t1 - t0)) - 1


def sdg_view(spec: TargetSpec, points: Sequence[Point], *, as_of: datetime.date,
             thresholds: Thresholds = DEFAULT_THRESHOLDS) -> SdgView | None:
    """The UN SDG Progress Chart view of a ``level`` target, as Open SDG's sdg-build computes it
    (``SeriesProgress.methodology_2``).  None where it does not apply (other kinds, no numerical
    target, no target year)."""
    th = thresholds
    comp = spec.comparator
    t, t_max = _num(spec.value), _num(spec.value_max)
    target_year = spec.year if spec.year is not None else spec.end_year
    if spec.kind != "level" or comp not in COMPARATORS or t is None or target_year is None:
        return None
    if comp == "between" and t_max is None:
        return None
    as_of = _as_date(as_of)
    obs = _observations(points, as_of)
    base = _baseline(spec, obs)
    view = SdgView(SdgCategory.NOT_AVAILABLE, target_year=target_year)
    if base is None:
        view.note = "没有数据，无法计算增长率。"
        return view
    current = obs[-1] if obs else Point(base.when or as_of, base.value)
    y0, yi = base.value, current.value
    t0, ti = base.year, current.when.year
    view.base_year, view.base_value, view.current_year, view.current_value = t0, y0, ti, yi

    # the value the rate is needed to reach: the target, or the bound of a range nearer to the
    # baseline (to the latest value when the baseline was inside the range and it has left it)
    ref = y0 if not meets(comp, t, t_max, y0) else yi
    if comp == "between":
        lo, hi = min(t, t_max), max(t, t_max)
        target = lo if ref < lo else hi
    else:
        target = t
    view.target_value = target

    # 1. target achieved — checked first, as sdg-build does (even with a single value)
    if meets(comp, t, t_max, yi):
        view.category = SdgCategory.ACHIEVED
        view.note = f"最新值 {_fmt(yi)} 已达到目标。"
        return view
    # 2. at least two years of data
    if t0 is None:
        view.note = "基期年份未知，无法计算年均增长率。"
        return view
    if len(obs) == 0 or ti - t0 < 1:
        view.note = "不足两个年份的数据（基期之后还没有新的年份），无法计算年均增长率。"
        return view
    if target_year - t0 < 1:
        view.note = f"目标年份（{target_year}）不晚于基期年份（{t0}），无法计算所需增长率。"
        return view
    notes = []
    # 3. zero base / zero target: replaced by a small number, as sdg-build does
    z = th.sdg_zero_replacement
    if y0 == 0:
        y0 = z
        notes.append(f"基期值为 0，按 Open SDG 的做法以 {_fmt_small(z)} 代替计算（结果需谨慎解读）。")
    if target == 0:
        target = z
        view.target_value = target
        notes.append(f"目标值为 0，按 Open SDG 的做法以 {_fmt_small(z)} 代替计算（结果需谨慎解读）。")
    # 4. the exponential model needs base and current (and target) on the same side of zero
    if (y0 > 0 and yi < 0) or (y0 < 0 and yi > 0) or target / y0 <= 0:
        view.note = "基期值与最新值（或目标值）正负号不同，复合增长率模型不适用。"
        return view
    # direction of desired progress: +1 up, -1 down; sign flips it for negative values
    if comp in (">=", ">"):
        d = 1
    elif comp in ("<=", "<"):
        d = -1
    else:  # == and between: towards the target from where the value stands off it
        d = 1 if target > ref else -1
    sign = -1 if y0 < 0 else 1
    actual = _cagr(yi, y0, ti, t0)
    required = _cagr(target, y0, target_year, t0)
    view.actual_rate, view.required_rate = actual, required
    if required == 0:
        view.note = "基期值与目标值相同，所需增长率为 0，无法计算比值。"
        return view
    ratio = sign * d * actual / abs(required)
    view.ratio = ratio
    if ratio >= th.sdg_on_track:
        cat, rule = SdgCategory.ON_TRACK, f"≥ {_fmt(th.sdg_on_track)}"
    elif ratio >= th.sdg_accelerate:
        cat, rule = SdgCategory.ACCELERATE, f"在 {_fmt(th.sdg_accelerate)} 与 {_fmt(th.sdg_on_track)} 之间"
    elif ratio >= th.sdg_limited:
        cat, rule = SdgCategory.LIMITED, f"在 {_fmt(th.sdg_limited)} 与 {_fmt(th.sdg_accelerate)} 之间"
    else:
        cat, rule = SdgCategory.DETERIORATION, f"< {_fmt(th.sdg_limited)}"
    view.category = cat
    view.note = (f"{t0}—{ti}年实际年均变化率 {_rate(actual)}，{t0}—{target_year}年按期达标所需 "
                 f"{_rate(required)}，比值 {ratio:.2f}（{rule}），判为“{cat.label}”。" + "".join(notes))
    return view


def _fmt_small(x: float) -> str:
    return f"{x:g}"


def _disagreement(a: Assessment, th: Thresholds, as_of: datetime.date) -> str | None:
    v = a.sdg
    if v is None or v.category is SdgCategory.NOT_AVAILABLE:
        return None
    if a.status not in (Status.ACHIEVED, Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK):
        return None
    if _SDG_AS_STATUS[v.category] is a.status:
        return None
    parts = [f"两种方法结论不同：直线进度法判为“{a.status.label}”，联合国 SDG 增长率法判为“{v.category.label}”。"]
    if a.progress is not None and a.expected is not None:
        parts.append(f"直线进度法：到 {a.latest_when.isoformat() if a.latest_when else '—'} 应完成 "
                     f"{_pct(a.expected)}，实际完成 {_pct(a.progress)}。")
    if v.ratio is not None:
        parts.append(f"增长率法：实际年均变化率 {_rate(v.actual_rate)}，所需 {_rate(v.required_rate)}，"
                     f"比值 {v.ratio:.2f}。")
    why = []
    if a.deadline is not None and as_of > a.deadline and a.status is Status.OFF_TRACK:
        why.append("截止期已过而未达标，直线进度法直接判为严重滞后，增长率法仍只比较增速")
    if a.latest_when is not None and (a.latest_when.month, a.latest_when.day) != (12, 31):
        why.append(f"时间口径不同：直线进度法按实际日期（{a.latest_when.isoformat()}）计算应完成进度，"
                   f"增长率法按整年计算，把 {a.latest_when.year} 年的这期数据当作满 "
                   f"{(v.current_year or 0) - (v.base_year or 0)} 年的结果")
    gap = a.gap
    if gap is not None and a.status is Status.ON_TRACK and gap > 0:
        why.append(f"直线进度法允许落后不超过 {_fmt(th.at_risk_gap)} 个百分点仍算正常（现落后 {_fmt(gap)} 个百分点），"
                   f"增长率法则要求实际增速至少达到所需增速的 {_fmt(th.sdg_on_track * 100)}%")
    elif gap is not None and gap <= 0 and v.ratio is not None and v.ratio < th.sdg_on_track:
        why.append("已完成的进度不少于直线进度，但按年均复合增速计算仍慢于所需增速")
    else:
        why.append(f"两种方法的分档不同：直线进度法看落后的百分点数（不超过 {_fmt(th.at_risk_gap)} 为进展正常，"
                   f"不超过 {_fmt(th.off_track_gap)} 为存在风险），增长率法看实际增速与所需增速之比"
                   f"（≥ {_fmt(th.sdg_on_track)} 按期可达，≥ {_fmt(th.sdg_accelerate)} 需加速，"
                   f"≥ {_fmt(th.sdg_limited)} 进展有限，更低为倒退）")
    why.append("增长率法假设每年按相同比例变化（复合增长），直线进度法假设每年变化相同的数量")
    parts.append("原因：" + "；".join(why) + "。")
    return "".join(parts)


# ---------------------------------------------------------------- the main view, kind by kind

def _assess_towards(spec: TargetSpec, obs: list[Point], as_of: datetime.date, th: Thresholds,
                    a: Assessment, comp: str, t: float, t_max: float | None, base: _Base | None,
                    *, kind_note: str = "") -> Assessment:
    """level, cumulative, coverage, per_unit: from the baseline towards the target."""
    unit = "%" if spec.kind in ("coverage", "per_unit") else spec.unit
    target_txt = _target_text(comp, t, t_max, unit)
    if base is None:
        return _nothing(spec, as_of, a)
    a.baseline, a.baseline_year, a.baseline_source = base.value, base.year, base.source
    a.reasons.append(base.note)
    if kind_note:
        a.reasons.append(kind_note)
    latest = obs[-1] if obs else None
    if latest is not None:
        a.latest, a.latest_when = latest.value, latest.when
    if a.deadline is not None and base.when is not None:
        a.expected_now = _fraction(base.when, a.deadline, as_of)
    current = latest.value if latest is not None else base.value
    due_txt = f"（{a.deadline.year}年底）" if a.deadline is not None else "（未写明完成年份）"

    # 1. the value meets the target → achieved
    if meets(comp, t, t_max, current):
        a.status, a.progress = Status.ACHIEVED, 100.0
        if base.when is not None and a.deadline is not None:
            a.expected = _fraction(base.when, a.deadline, latest.when if latest else base.when)
        if latest is None:
            a.reasons.append(f"基期值 {_fmt(current)} 已达到目标 {target_txt}，判为{Status.ACHIEVED.label}。")
        else:
            late = "（在截止期之后达到）" if a.deadline is not None and latest.when > a.deadline else ""
            a.reasons.append(f"最新值 {_fmt(current)}（{latest.when.isoformat()}）已达到目标 "
                             f"{target_txt}{due_txt}{late}，判为{Status.ACHIEVED.label}。")
        return a
    # 2. nothing reported yet
    if latest is None:
        return _nothing(spec, as_of, a, f"基期值未达到目标 {target_txt}，尚无已采纳的数据")

    d0 = _distance(comp, t, t_max, base.value)
    d1 = _distance(comp, t, t_max, latest.value)
    raw = (d0 - d1) / d0 * 100 if d0 > 0 else None
    a.progress = _clip(raw) if raw is not None else 0.0
    if base.when is not None and a.deadline is not None:
        a.expected = _fraction(base.when, a.deadline, latest.when)
    a.reasons.append(f"最新值 {_fmt(latest.value)}（{latest.when.isoformat()}），目标 {target_txt}{due_txt}。")
    if raw is None:
        a.reasons.append("基期时已达到目标，但最新值已不满足目标。")
    elif raw < 0:
        a.reasons.append("最新值比基期离目标更远（已完成进度按 0 计）。")

    # 3. deadline passed and not met → off track
    if a.deadline is not None and as_of > a.deadline:
        a.status = Status.OFF_TRACK
        a.reasons.append(f"截止期 {a.deadline.isoformat()} 已过，最新值仍未达到目标，判为{Status.OFF_TRACK.label}。")
        return a
    # 4. the only value is the baseline itself: no movement to measure yet
    if base.source == "first_point" and len(obs) == 1:
        a.status, a.progress, a.expected = Status.NO_DATA, None, None
        a.reasons.append("只有一期数据（即基期），还无法计算进展；下一期数据采纳后或协调员录入基期值后即可评估，"
                         f"判为{Status.NO_DATA.label}。")
        return a
    # 5. no deadline (or no baseline date): judge on direction only
    if a.deadline is None or base.when is None:
        why = ("该目标未写明完成年份，方案也没有期末年份" if a.deadline is None
               else "基期年份未知")
        a.expected = None
        if raw is None:
            a.status = Status.AT_RISK
        elif raw > 0:
            a.status = Status.ON_TRACK
        elif raw == 0:
            a.status = Status.AT_RISK
        else:
            a.status = Status.OFF_TRACK
        move = {Status.ON_TRACK: "正向目标靠近", Status.AT_RISK: "没有向目标靠近",
                Status.OFF_TRACK: "正远离目标"}[a.status]
        a.reasons.append(f"{why}，无法计算直线进度，只按变化方向判断：数值{move}，判为{a.status.label}。")
        return a
    # 6. progress against the straight line
    gap = a.expected - a.progress
    status = _status_from_gap(gap, th)
    a.reasons.append(f"已完成进度 {_pct(a.progress)}，按直线进度到 {latest.when.isoformat()} 应完成 {_pct(a.expected)}。")
    floor = _worse(status, Status.AT_RISK) if raw is None or raw < 0 else status
    if floor is status:
        a.reasons.append(_gap_reason(gap, status, th))
    else:
        a.reasons.append(f"落后直线进度 {_fmt(gap)} 个百分点；但数值比基期"
                         f"{'退步' if raw is not None else '回落到目标之外'}，至少判为{Status.AT_RISK.label}。")
    a.status = floor
    return a


def _assess_level(spec, obs, as_of, th, a) -> Assessment:
    comp, t, t_max = spec.comparator, _num(spec.value), _num(spec.value_max)
    if comp is None or t is None:
        a.status = Status.NO_DATA
        a.reasons.append("目标没有比较方式或目标值，无法计算进度，判为暂无数据。")
        return a
    if comp not in COMPARATORS:
        raise ValueError(f"未知的比较方式：{comp!r}（应为 {'、'.join(COMPARATORS)} 之一）")
    if comp == "between" and t_max is None:
        a.status = Status.NO_DATA
        a.reasons.append("区间目标缺少上限，无法计算进度，判为暂无数据。")
        return a
    note = ""
    if comp == "between":
        note = "区间目标：在区间内即达标，进度按离最近一端的距离计算。"
    elif comp == "==":
        note = "等值目标：进度按离目标值的距离计算，超过目标值也算偏离。"
    _assess_towards(spec, obs, as_of, th, a, comp, t, t_max, _baseline(spec, obs), kind_note=note)
    a.sdg = sdg_view(spec, obs, as_of=as_of, thresholds=th)
    a.disagreement = _disagreement(a, th, as_of)
    return a


def _assess_cumulative(spec, obs, as_of, th, a) -> Assessment:
    t = _num(spec.value)
    if t is None:
        a.status = Status.NO_DATA
        a.reasons.append("累计目标没有目标数量，无法计算进度，判为暂无数据。")
        return a
    comp = spec.comparator if spec.comparator in ("<=", "<", ">") else ">="
    base = _baseline(spec, obs, zero_at_start=True)
    return _assess_towards(spec, obs, as_of, th, a, comp, t, None, base,
                           kind_note=f"累计建设类目标：看截止期前累计建成的数量是否达到 {_fmt(t)}{spec.unit or ''}。")


def _assess_share(spec, obs, as_of, th, a) -> Assessment:
    """coverage and per_unit: the share of the units concerned, towards 100 %."""
    if spec.kind == "coverage":
        t = _num(spec.value)
        t = 100.0 if t is None or spec.unit not in (None, "%") else t
        note = f"覆盖类目标：看达到要求的单位占应覆盖单位的比例，目标 {_fmt(t)}%。"
    else:
        t = 100.0
        note = "按单位配备类目标：看已按要求配备的镇（街道）/村（社区）占全部应配备单位的比例，目标 100%。"
    return _assess_towards(spec, obs, as_of, th, a, ">=", t, None, _baseline(spec, obs), kind_note=note)


def _assess_frequency(spec, obs, as_of, th, a) -> Assessment:
    """Each unit, each semester.  The points are the share of units that met the frequency in
    each semester, with ``value`` 100 (or None); or — where a department reports for itself —
    the number of times held in the semester, with ``value`` the number required."""
    t = _num(spec.value)
    shares = t is None or (abs(t - 100) <= _eps(100) and spec.comparator in (None, ">="))
    t = 100.0 if shares else t
    if shares:
        a.reasons.append("频次类目标：每个单位每学期都要达到规定频次，按最近一个学期达到要求的单位比例评估。")
    else:
        a.reasons.append(f"频次类目标：每学期都要达到 {_fmt(t)}{spec.unit or '次'}，按最近一个学期的次数评估。")
    if not obs:
        return _nothing(spec, as_of, a)
    if t <= 0:
        a.status = Status.NO_DATA
        a.reasons.append("频次目标值不大于 0，无法评估，判为暂无数据。")
        return a
    latest = obs[-1]
    a.latest, a.latest_when = latest.value, latest.when
    a.progress, a.expected = _clip(latest.value / t * 100), 100.0
    a.expected_now = 100.0
    met = latest.value >= t - _eps(t)
    short = [p for p in obs[:-1] if p.value < t - _eps(t)]
    if shares:
        a.reasons.append(f"最近一个学期（{latest.when.isoformat()}）有 {_pct(a.progress)} 的单位达到要求。")
    else:
        a.reasons.append(f"最近一个学期（{latest.when.isoformat()}）为 {_fmt(latest.value)}{spec.unit or '次'}，"
                         f"相当于要求的 {_pct(a.progress)}。")
    if short:
        a.reasons.append(f"此前有 {len(short)} 个学期未达到要求。")
    if a.deadline is not None and as_of > a.deadline:
        if met:
            a.status = Status.ACHIEVED
            a.reasons.append(f"截止期已过，最后一个学期达到要求，判为{Status.ACHIEVED.label}。")
        else:
            a.status = Status.OFF_TRACK
            a.reasons.append(f"截止期已过，最后一个学期仍未达到要求（差 {_fmt(100 - a.progress)} 个百分点），"
                             f"判为{Status.OFF_TRACK.label}。")
        return a
    gap = 100.0 - a.progress
    a.status = _status_from_gap(gap, th)
    if met:
        a.reasons.append("本学期达到要求；这是每学期都要做到的要求，截止期前判为进展正常，不判为已达标。")
    else:
        a.reasons.append(f"距每学期的要求还差 {_fmt(gap)} 个百分点（允许差 {_fmt(th.at_risk_gap)} 个百分点），"
                         f"判为{a.status.label}。")
    return a


def _assess_annual_change(spec, obs, as_of, th, a) -> Assessment:
    req = _num(spec.value)
    if req is None or req <= 0 or spec.direction not in ("increase", "decrease"):
        a.status = Status.NO_DATA
        a.reasons.append("年度变化目标缺少每年应变化的数量或方向，无法评估，判为暂无数据。")
        return a
    good = -1 if spec.direction == "decrease" else 1
    verb = "降低" if good < 0 else "提高"
    unit = spec.unit or ""
    strict = spec.comparator == ">"
    a.reasons.append(f"年度变化目标：要求平均每年{verb} {_fmt(req)}{unit}{'以上' if not strict else '（不含）以上'}，"
                     "逐年比较当年变化与要求。")
    base = _baseline(spec, obs)
    if base is None:
        return _nothing(spec, as_of, a)
    if base.year is None:
        a.baseline, a.baseline_source = base.value, base.source
        a.status = Status.NO_DATA
        a.reasons.append("基期年份未知，无法计算年度变化，判为暂无数据。")
        return a
    a.baseline, a.baseline_year, a.baseline_source = base.value, base.year, base.source
    a.reasons.append(base.note)
    by_year: dict[int, Point] = {}
    for p in obs:
        if p.when.year > base.year:
            by_year[p.when.year] = p  # the latest point of the year is its value
    if obs:
        a.latest, a.latest_when = obs[-1].value, obs[-1].when
    years = sorted(by_year)
    deadline_year = a.deadline.year if a.deadline is not None else None
    if deadline_year is not None and base.when is not None:
        a.expected_now = _fraction(base.when, a.deadline, as_of)
    if not years:
        first_end = _year_end(base.year + 1)
        if as_of <= first_end:
            a.status = Status.NOT_DUE
            a.reasons.append(f"第一年的变化要到 {base.year + 1} 年的数据出来后才能评估，判为{Status.NOT_DUE.label}。")
        else:
            a.status = Status.NO_DATA
            a.reasons.append(f"基期之后还没有新的年度数据，判为{Status.NO_DATA.label}。")
        return a
    prev_y, prev_v = base.year, base.value
    for y in years:
        v = by_year[y].value
        ch = good * (v - prev_v) / (y - prev_y)
        met = ch > req if strict else ch >= req - _eps(req)
        a.yearly.append(YearChange(y, v, ch, met))
        span = f"{prev_y + 1}—{y}年平均每年" if y - prev_y > 1 else f"{y}年"
        a.reasons.append(f"{span}{verb if ch >= 0 else ('回升' if good < 0 else '下降')} {_fmt(abs(ch))}{unit}，"
                         f"{'达到' if met else '未达到'}每年{verb} {_fmt(req)}{unit}的要求。")
        prev_y, prev_v = y, v

    def judge(last_year: int) -> tuple[float, float, int]:
        total = good * (by_year[last_year].value - base.value)
        k = last_year - base.year
        return total, total / k, k

    last = years[-1]
    total, avg, k = judge(last)
    if deadline_year is None:
        a.reasons.append(f"从基期到 {last} 年平均每年{verb} {_fmt(avg)}{unit}。")
        a.status = (Status.ON_TRACK if avg >= req - _eps(req) else
                    Status.AT_RISK if avg > 0 else Status.OFF_TRACK)
        a.reasons.append(f"该目标未写明完成年份，方案也没有期末年份，只按平均变化判断，判为{a.status.label}。")
        return a
    n = max(deadline_year - base.year, 1)
    a.progress = _clip(total / (req * n) * 100)
    a.expected = _clip(min(k, n) / n * 100)
    if as_of > a.deadline:
        in_time = [y for y in years if y <= deadline_year]
        if not in_time:
            a.status = Status.NO_DATA
            a.reasons.append(f"截止期已过，但没有截止年份以内的数据，判为{Status.NO_DATA.label}。")
            return a
        total_d, avg_d, _ = judge(in_time[-1])
        ok = avg_d > req if strict else avg_d >= req - _eps(req)
        a.status = Status.ACHIEVED if ok else Status.OFF_TRACK
        a.reasons.append(f"截止期已过：{base.year}—{in_time[-1]}年平均每年{verb} {_fmt(avg_d)}{unit}，"
                         f"{'达到' if ok else '未达到'}要求，判为{a.status.label}。")
        return a
    a.reasons.append(f"{base.year}—{last}年累计{verb} {_fmt(total)}{unit}（平均每年 {_fmt(avg)}{unit}），"
                     f"全期（{base.year}—{deadline_year}年）共需{verb} {_fmt(req * n)}{unit}：已完成 "
                     f"{_pct(a.progress)}，按年份应完成 {_pct(a.expected)}。")
    if total >= req * n - _eps(req * n):
        a.status = Status.ACHIEVED
        a.reasons.append(f"全期要求的累计变化已经完成，判为{Status.ACHIEVED.label}。")
        return a
    gap = a.expected - a.progress
    status = _status_from_gap(gap, th)
    floor = _worse(status, Status.AT_RISK) if total < 0 else status
    if floor is status:
        a.reasons.append(_gap_reason(gap, status, th))
    else:
        a.reasons.append(f"落后直线进度 {_fmt(gap)} 个百分点；但与基期相比反向变化，至少判为{Status.AT_RISK.label}。")
    a.status = status = floor
    if a.yearly and not a.yearly[-1].met and status is Status.ON_TRACK:
        a.reasons.append(f"但 {a.yearly[-1].year} 年当年未达到要求，需关注。")
    return a


def _assess_milestone(spec, as_of, judgement, a) -> Assessment:
    a.reasons.append("节点任务：由协调员根据佐证材料判断完成情况。")
    if judgement is None:
        due_year = a.deadline.year if a.deadline is not None else None
        if due_year is not None and as_of.year < due_year:
            a.status = Status.NOT_DUE
            a.reasons.append(f"尚未判断，完成年份为 {due_year} 年，判为{Status.NOT_DUE.label}。")
        else:
            a.status = Status.NO_DATA
            a.reasons.append(f"协调员尚未作出判断，判为{Status.NO_DATA.label}。")
        return a
    judgement = Status(judgement)
    if judgement is Status.ACHIEVED:
        a.status, a.progress = Status.ACHIEVED, 100.0
        a.reasons.append("协调员根据佐证材料判定已完成。")
        return a
    if (a.deadline is not None and as_of > a.deadline
            and judgement in (Status.ON_TRACK, Status.AT_RISK, Status.NOT_DUE)):
        a.status = Status.OFF_TRACK
        a.reasons.append(f"协调员判为“{judgement.label}”，但截止期 {a.deadline.isoformat()} 已过仍未完成，"
                         f"判为{Status.OFF_TRACK.label}。")
        return a
    a.status = judgement
    a.reasons.append(f"协调员判为“{judgement.label}”。")
    return a


# ---------------------------------------------------------------- public entry points

def assess(spec: TargetSpec, points: Sequence[Point], *, as_of: datetime.date,
           judgement: Status | None = None,
           thresholds: Thresholds = DEFAULT_THRESHOLDS) -> Assessment:
    """Assess one target as of a date from its accepted values (any order, several a year).

    ``judgement`` is the coordinator's verdict for a milestone target; other kinds ignore it.
    Points dated after ``as_of`` are left out.  Raises ValueError for an unknown kind or
    comparator; an incomplete target (no value, no range bound…) is ``no_data`` with a reason.
    """
    if spec.kind not in KINDS:
        raise ValueError(f"未知的目标类型：{spec.kind!r}（应为 {'、'.join(KINDS)} 之一）")
    as_of = _as_date(as_of)
    a = Assessment(Status.NO_DATA, kind=spec.kind, deadline=_deadline(spec))
    if spec.kind == "milestone":
        return _assess_milestone(spec, as_of, judgement, a)
    obs = _observations(points, as_of)
    if spec.kind == "level":
        return _assess_level(spec, obs, as_of, thresholds, a)
    if spec.kind == "cumulative":
        return _assess_cumulative(spec, obs, as_of, thresholds, a)
    if spec.kind in ("coverage", "per_unit"):
        return _assess_share(spec, obs, as_of, thresholds, a)
    if spec.kind == "frequency":
        return _assess_frequency(spec, obs, as_of, thresholds, a)
    return _assess_annual_change(spec, obs, as_of, thresholds, a)


def running_total(points: Sequence[Point]) -> list[Point]:
    """Per-period increments (e.g. 本期新建 2 所) → running totals, as ``cumulative`` expects."""
    out, total = [], 0.0
    for p in sorted(points, key=lambda p: _as_date(p.when)):
        v = _num(p.value)
        if v is None:
            continue
        total += v
        out.append(Point(_as_date(p.when), total))
    return out


# ---------------------------------------------------------------- roll-ups

def status_score(status: Status, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> float | None:
    """A target's score in a roll-up: None for targets left out (not due; no data when
    ``missing_counts_as_zero`` is off)."""
    if status in (Status.ACHIEVED, Status.ON_TRACK):
        return 100.0
    if status is Status.AT_RISK:
        return float(thresholds.score_at_risk)
    if status is Status.OFF_TRACK:
        return 0.0
    if status is Status.NO_DATA:
        return 0.0 if thresholds.missing_counts_as_zero else None
    return None


def _check_weight(weight) -> float:
    try:
        w = None if isinstance(weight, bool) else _num(weight)
    except (TypeError, ValueError):
        w = None
    if w is None or not math.isfinite(w) or w < 0:
        raise ValueError(f"权重应为不小于 0 的有限数值，现为 {weight!r}")
    return w


def _group_status(counts: dict[Status, int], total: int, score: float | None,
                  all_achieved: bool, th: Thresholds) -> Status:
    if total == 0:
        return Status.NO_DATA
    if counts[Status.NOT_DUE] == total:
        return Status.NOT_DUE
    if all_achieved:
        return Status.ACHIEVED
    if score is None:
        return Status.NO_DATA
    if score >= th.group_on_track:
        return Status.ON_TRACK
    if score >= th.group_at_risk:
        return Status.AT_RISK
    return Status.OFF_TRACK


def _summary(r: RollUp, th: Thresholds) -> str:
    if r.total == 0:
        return "没有目标。"
    parts = [f"{s.label}{r.counts[s]}" for s in Status if r.counts[s]]
    text = f"共 {r.total} 项：" + "、".join(parts) + "。"
    if r.counts[Status.NO_DATA]:
        text += ("暂无数据的按 0 分计入。" if th.missing_counts_as_zero else "暂无数据的不计入得分。")
    if r.counts[Status.NOT_DUE]:
        text += "未到评估期的不计入得分。"
    if r.score is not None:
        text += f"加权得分 {r.score:.1f}，判为{r.status.label}。"
    else:
        text += f"判为{r.status.label}。"
    return text


def roll_up(items: Sequence[tuple[Assessment, float]],
            thresholds: Thresholds = DEFAULT_THRESHOLDS) -> RollUp:
    """Targets → one status: the weighted mean of per-target scores (achieved / on track 100,
    at risk ``score_at_risk``, off track 0, no data 0 or left out, not due left out)."""
    th = thresholds
    counts = {s: 0 for s in Status}
    num = den = 0.0
    considered = achieved = 0
    for assessment, weight in items:
        w = _check_weight(weight)
        s = Status(assessment.status)
        counts[s] += 1
        if s is not Status.NOT_DUE:
            considered += 1
            achieved += s is Status.ACHIEVED
        sc = status_score(s, th)
        if sc is not None:
            num += w * sc
            den += w
    total = len(items)
    with_data = total - counts[Status.NO_DATA] - counts[Status.NOT_DUE]
    score = num / den if den > 0 and with_data > 0 else None
    status = _group_status(counts, total, score, considered > 0 and achieved == considered, th)
    r = RollUp(status, score, counts, total, with_data, weight=den)
    r.summary = _summary(r, th)
    return r


def roll_up_groups(groups: Sequence[tuple[RollUp, float]],
                   thresholds: Thresholds = DEFAULT_THRESHOLDS) -> RollUp:
    """Roll-ups → one: each child (e.g. each task of an action) weighs as its weight, however
    many targets it holds — as Open SDG averages sub-indicator groups.  A child with no score
    counts as 0 when it is ``no_data`` and ``missing_counts_as_zero`` is on; ``not_due``
    children are left out.  Counts add up."""
    th = thresholds
    counts = {s: 0 for s in Status}
    total = with_data = 0
    num = den = 0.0
    considered = achieved = 0
    for child, weight in groups:
        w = _check_weight(weight)
        for s, c in child.counts.items():
            counts[Status(s)] += c
        total += child.total
        with_data += child.with_data
        s = Status(child.status)
        if s is Status.NOT_DUE:
            continue
        considered += 1
        achieved += s is Status.ACHIEVED
        if child.score is not None:
            num += w * child.score
            den += w
        elif s is Status.NO_DATA and th.missing_counts_as_zero:
            den += w
    score = num / den if den > 0 and with_data > 0 else None
    if not groups:
        status = Status.NO_DATA
    elif considered == 0:
        status = Status.NOT_DUE
    else:
        status = _group_status(counts, total, score, achieved == considered, th)
        if status is Status.NOT_DUE:  # children say not due only where every target is
            status = Status.NO_DATA
    r = RollUp(status, score, counts, total, with_data, weight=den)
    r.summary = _summary(r, th)
    return r
