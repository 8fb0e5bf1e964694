"""The shapes the API reads and writes (pydantic, through django-ninja): they are the OpenAPI
document. A plan's shape follows the importer's JSON (``cfcity plan parse --json``) with ids
added and departments as ``{id, name}`` so a client can follow them to /api/orgs/{id}."""
from __future__ import annotations

import datetime

from ninja import Field, Schema

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
