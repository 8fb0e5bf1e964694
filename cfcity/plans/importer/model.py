"""The typed plan: what the importer returns and what the database stores.

Plain dataclasses, no Django.  ``to_dict``/``from_dict`` in ``serialize.py`` give the
JSON/YAML form that ``cfcity plan parse --json`` prints and ``plan export`` writes.
"""
from __future__ import annotations

from dataclasses import dataclass, field

COMPARATORS = (">=", ">", "<=", "<", "==", "between")
KINDS = ("level", "cumulative", "coverage", "annual_change", "frequency", "per_unit", "milestone")
DEPARTMENT_ROLES = ("lead", "cooperating")


@dataclass
class Baseline:
    value: float | None = None
    year: int | None = None


@dataclass
class Target:
    indicator: str
    comparator: str | None = None  # one of COMPARATORS; None for a milestone
    value: float | None = None
    value_max: float | None = None  # upper bound when comparator == "between"
    unit: str | None = None
    year: int | None = None  # deadline year
    year_inferred: bool = False  # True when the sentence had no year: the plan's end year
    kind: str = "level"  # one of KINDS
    per: str | None = None  # frequency: 学期/天/年…; per_unit: the unit concerned, e.g. 镇（街道）
    direction: str | None = None  # annual_change: "decrease" or "increase"
    source: str = ""  # the exact sentence the target came from
    line: int | None = None  # line of the document the source starts on
    baseline: Baseline | None = None  # from an indicator table, or entered later
    attribute: str | None = None  # 预期性 / 约束性, from an indicator table
    responsible: list[str] = field(default_factory=list)  # 责任单位 from an indicator table


@dataclass
class Task:
    number: int
    title: str
    text: str  # the full wording without the department note
    lead_departments: list[str] = field(default_factory=list)
    cooperating_departments: list[str] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    line: int | None = None


@dataclass
class Action:
    number: int
    title: str
    tasks: list[Task] = field(default_factory=list)
    line: int | None = None
    text: str = ""  # words under the heading before the first task, if any


@dataclass
class Domain:
    number: int
    title: str
    actions: list[Action] = field(default_factory=list)
    line: int | None = None
    text: str = ""  # words under the heading before the first action, if any


@dataclass
class Section:
    title: str
    text: str
    number: str | None = None  # the marker as written, e.g. "一" or "三"
    line: int | None = None


@dataclass
class Warning:
    line: int | None
    message: str


@dataclass
class Period:
    start: int | None = None
    end: int | None = None


@dataclass
class Plan:
    title: str = ""
    issuer: str = ""
    doc_number: str = ""
    date: str | None = None  # ISO date
    period: Period = field(default_factory=Period)
    domains: list[Domain] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    # targets of an indicator table that no task states
    targets: list[Target] = field(default_factory=list)
    declared: dict[str, int] = field(default_factory=dict)  # e.g. {"actions": 13, "tasks": 42}
    warnings: list[Warning] = field(default_factory=list)
    source: dict = field(default_factory=dict)  # file name, format, encoding, sha256, lines

    # convenience views used by callers and tests
    def tasks(self) -> list[Task]:
        return [t for d in self.domains for a in d.actions for t in a.tasks]

    def actions(self) -> list[Action]:
        return [a for d in self.domains for a in d.actions]

    def task(self, number: int) -> Task:
        for t in self.tasks():
            if t.number == number:
                return t
        raise KeyError(number)

    def all_targets(self) -> list[Target]:
        return [g for t in self.tasks() for g in t.targets] + list(self.targets)

    def lead_departments(self) -> list[str]:
        seen: dict[str, None] = {}
        for t in self.tasks():
            for name in t.lead_departments:
                seen.setdefault(name, None)
        return list(seen)
