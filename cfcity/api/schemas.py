"""The shapes the API reads and writes (pydantic, through django-ninja): they are the OpenAPI
document. A plan's shape follows the importer's JSON (``cfcity plan parse --json``) with ids
added and departments as ``{id, name}`` so a client can follow them to /api/orgs/{id}."""
from __future__ import annotations

import datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import StrictFloat, StrictInt, StrictStr, StringConstraints

from cfcity.orgs.models import OrgUnit


class Error(Schema):
    detail: str = Field(description="说明（中文）")


class FieldError(Schema):
    field: str = Field(description="出错的字段，如 name、parent_id、limit")
    message: str


class ValidationErrorOut(Schema):
    detail: str
    errors: list[FieldError]


class UnitRef(Schema):
    id: int
    name: str


# --- org units --------------------------------------------------------------------------

class OrgUnitOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str = Field(description="类型代码：" + "、".join(f"{k.value}（{k.label}）" for k in OrgUnit.Kind))
    kind_label: str
    code: str = Field(description="统一社会信用代码或行政区划代码，可为空")
    parent_id: int | None
    path: str = Field(description="从最上级到本单位的名称，以“ / ”分隔")
    order: int
    active: bool


class OrgUnitIn(Schema):
    parent_id: int = Field(description="上级单位（须在您的管理范围内）")
    name: str = Field(min_length=1, max_length=200)
    kind: OrgUnit.Kind
    short_name: str = Field("", max_length=100)
    code: str = Field("", max_length=18, description="统一社会信用代码（18位）或行政区划代码（6、9或12位数字），可不填")
    order: int = Field(0, ge=-1_000_000, le=1_000_000)


class OrgPage(Schema):
    count: int = Field(description="符合条件的总数")
    limit: int
    offset: int
    items: list[OrgUnitOut]


# --- plans ------------------------------------------------------------------------------

class Period(Schema):
    start: int | None
    end: int | None


class PlanSummary(Schema):
    id: int
    title: str
    issuer: str
    doc_number: str
    date: datetime.date | None
    period: Period
    area: UnitRef | None
    imported_at: datetime.datetime
    tasks: int = Field(description="任务数")
    targets: int = Field(description="目标（指标）数")


class PlanPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[PlanSummary]


class Baseline(Schema):
    value: float | None
    year: int | None


class TargetOut(Schema):
    id: int
    indicator: str
    comparator: str | None = Field(description=">=、>、<=、<、== 或 between")
    value: float | None
    value_max: float | None
    unit: str | None
    year: int | None
    year_inferred: bool
    kind: str
    per: str | None
    direction: str | None
    source: str
    line: int | None
    baseline: Baseline | None
    attribute: str | None
    responsible: list[str]


class TaskOut(Schema):
    id: int
    number: int
    title: str
    text: str
    line: int | None
    lead_departments: list[UnitRef]
    cooperating_departments: list[UnitRef]
    targets: list[TargetOut]


class ActionOut(Schema):
    id: int
    number: int
    title: str
    text: str
    line: int | None
    tasks: list[TaskOut]


class DomainOut(Schema):
    id: int
    number: int
    title: str
    text: str
    line: int | None
    actions: list[ActionOut]


class SectionOut(Schema):
    number: str | None
    title: str
    text: str
    line: int | None


class PlanDetail(Schema):
    id: int
    title: str
    issuer: str
    doc_number: str
    date: datetime.date | None
    period: Period
    area: UnitRef | None
    imported_at: datetime.datetime
    declared: dict[str, int]
    sections: list[SectionOut]
    domains: list[DomainOut]
    targets: list[TargetOut] = Field(description="方案级指标（未对应到具体任务的指标表中的指标）")


# --- reporting ----------------------------------------------------------------------------

class PeriodOut(Schema):
    id: int
    plan_id: int
    kind: str = Field(description="year（年度）、half（半年）或 quarter（季度）")
    year: int
    index: int = Field(description="年内序号：年度为 1，半年 1—2，季度 1—4")
    label: str = Field(description="如“2024年”“2024年上半年”")
    starts: datetime.date
    ends: datetime.date
    opens: datetime.date = Field(description="开始填报")
    deadline: datetime.date = Field(description="报送期限")
    closes: datetime.date = Field(description="结束填报")


class PeriodPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[PeriodOut]


class PeriodRef(Schema):
    id: int
    label: str


class TaskRef(Schema):
    id: int
    number: int
    title: str


class OwedRow(Schema):
    task: TaskRef
    role: str = Field(description="lead（牵头）、cooperating（配合）或 share（分解承担）")
    status: str = Field(description="报告状态；还没有报告时为 missing")
    report_id: int | None = Field(description="当前报告的编号；还没有报告时为 null")
    late: bool = Field(description="已过报送期限而尚未报送")


class OwedOut(Schema):
    period: PeriodOut
    unit: UnitRef
    items: list[OwedRow]


class ReportSummary(Schema):
    id: int
    period: PeriodRef
    task: TaskRef
    unit: UnitRef
    status: str = Field(description="draft、submitted、approved、returned、accepted 或 superseded")
    status_label: str
    stage: str = Field(description="not_started、in_progress、done 或 blocked")
    revision: int = Field(description="版本：大于 1 表示采纳后的更正")
    version: int = Field(description="修改序号：保存时原样带回（乐观锁）")
    updated_at: datetime.datetime
    submitted_at: datetime.datetime | None


class ReportPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ReportSummary]


class ReportValueOut(Schema):
    target_id: int
    indicator: str
    unit: str | None = Field(description="计量单位")
    value: float | None
    comment: str
    outlier: bool = Field(description="与本单位以往数据差异很大")
    outlier_reason: str


class ReportEventOut(Schema):
    action: str = Field(description="saved、submitted、approved、returned、accepted、corrected、evidence")
    actor: str | None
    from_status: str
    to_status: str
    comment: str
    changes: dict = Field(description="修改内容：{字段: [原值, 新值]}")
    created_at: datetime.datetime


class ReportDetail(ReportSummary):
    narrative: str
    correction_reason: str
    values: list[ReportValueOut]
    events: list[ReportEventOut]


class ReportOpenIn(Schema):
    period_id: int
    task_id: int
    unit_id: int = Field(description="填报单位（须在您的管理范围内，且承担该任务）")


Comment500 = Annotated[str, StringConstraints(max_length=500)]
ValueIn = StrictStr | StrictInt | StrictFloat | None


class ReportSaveIn(Schema):
    version: int = Field(description="打开报告时的修改序号；他人已保存过则返回 409，不保存")
    narrative: str | None = Field(None, max_length=20000)
    stage: Literal["not_started", "in_progress", "done", "blocked"] | None = None
    values: dict[int, ValueIn] | None = Field(
        None, description="{目标编号: 数值}，数值可为数字或文字（如 \"95.5%\"、\"1,200\"）；空文字或 null 清空")
    comments: dict[int, Comment500] | None = Field(None, description="{目标编号: 说明}")
    outlier_reasons: dict[int, Comment500] | None = Field(
        None, description="{目标编号: 异常值说明}：数值与以往差异很大时必填")


class CommentIn(Schema):
    comment: str = Field("", max_length=5000)


class ReasonIn(Schema):
    reason: str = Field(max_length=5000)


# --- monitoring ---------------------------------------------------------------------------

STATUS_DOC = "状态代码：achieved（已达标）、on_track（进展正常）、at_risk（存在风险）、off_track（严重滞后）、" \
             "no_data（暂无数据）、not_due（未到评估期）"


class TargetStatusOut(Schema):
    target_id: int
    indicator: str
    task_number: int | None
    unit: UnitRef = Field(description="评估对象：方案所在地区，或承担分解目标的单位")
    status: str = Field(description=STATUS_DOC)
    status_label: str
    latest: float | None
    latest_date: datetime.date | None
    baseline: float | None
    baseline_year: int | None
    target_value: float | None
    target_value_max: float | None
    target_year: int | None
    progress: float | None = Field(description="完成进度（0—100）")
    expected: float | None = Field(description="按直线推算此时应达到的进度（0—100）")
    sdg_category: str = Field(description="按年均增速评估的类别（联合国可持续发展目标进展图方法），空为不适用")
    sdg_ratio: float | None
    reasons: list[str]
    disagreement: str
    as_of: datetime.date


class RollUpOut(Schema):
    status: str = Field(description=STATUS_DOC)
    score: float | None
    total: int
    with_data: int
    counts: dict[str, int]


class PlanStatusOut(Schema):
    plan_id: int
    as_of: datetime.date | None
    overall: RollUpOut
    items: list[TargetStatusOut]


class WarningOut(Schema):
    id: int
    plan_id: int
    kind: str
    kind_label: str
    severity: str
    severity_label: str
    unit: UnitRef = Field(description="责任单位")
    task_number: int | None
    target_id: int | None
    period_id: int | None
    message: str
    clear_by: str = Field(description="怎样消除这条预警")
    first_seen: datetime.datetime
    last_seen: datetime.datetime
    resolved_at: datetime.datetime | None


class WarningPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[WarningOut]
