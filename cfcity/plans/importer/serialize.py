"""JSON/YAML form of a typed plan, and back, with checks that name the faulty field.

The dict form is what ``cfcity plan parse --json`` prints and ``plan export`` writes; an
official may edit it by hand and re-import it, so ``from_dict`` checks every field and says
in Chinese which one is wrong (``domains[0].actions[1].tasks[2].targets[0].comparator``).
"""
from __future__ import annotations

import datetime
import json
from dataclasses import asdict
from pathlib import Path

from .errors import PlanDocumentError
from .model import (COMPARATORS, KINDS, Action, Baseline, Domain, Period, Plan, Section,
                    Target, Task, Warning)

SCHEMA_VERSION = 1


def _clean_number(v):
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _target_dict(t: Target) -> dict:
    d = asdict(t)
    for k in ("value", "value_max"):
        d[k] = _clean_number(d[k])
    if d["baseline"] is not None:
        d["baseline"]["value"] = _clean_number(d["baseline"]["value"])
    return d


def to_dict(plan: Plan) -> dict:
    return {
        "schema": SCHEMA_VERSION,
        "title": plan.title,
        "issuer": plan.issuer,
        "doc_number": plan.doc_number,
        "date": plan.date,
        "period": asdict(plan.period),
        "declared": dict(plan.declared),
        "domains": [
            {
                "number": d.number, "title": d.title, "text": d.text, "line": d.line,
                "actions": [
                    {
                        "number": a.number, "title": a.title, "text": a.text, "line": a.line,
                        "tasks": [
                            {
                                "number": t.number, "title": t.title, "text": t.text,
                                "line": t.line,
                                "lead_departments": list(t.lead_departments),
                                "cooperating_departments": list(t.cooperating_departments),
                                "targets": [_target_dict(g) for g in t.targets],
                            }
                            for t in a.tasks
                        ],
                    }
                    for a in d.actions
                ],
            }
            for d in plan.domains
        ],
        "targets": [_target_dict(g) for g in plan.targets],
        "sections": [asdict(s) for s in plan.sections],
        "warnings": [asdict(w) for w in plan.warnings],
        "source": dict(plan.source),
    }


def to_json(plan: Plan) -> str:
    return json.dumps(to_dict(plan), ensure_ascii=False, indent=2)


def to_yaml(plan: Plan) -> str:
    import yaml

    return yaml.safe_dump(to_dict(plan), allow_unicode=True, sort_keys=False, width=1000)


# --- reading back -------------------------------------------------------------------

class _Reader:
    """Typed access to a dict with the path of every field for error messages."""

    def __init__(self, file: str | None):
        self.file = file

    def fail(self, path: str, msg: str):
        raise PlanDocumentError(f"字段 {path} {msg}", file=self.file)

    def obj(self, v, path):
        if not isinstance(v, dict):
            self.fail(path, "应为对象（键值表）")
        return v

    def lst(self, v, path):
        if v is None:
            return []
        if not isinstance(v, list):
            self.fail(path, "应为列表")
        return v

    def s(self, d, key, path, required=False, default=""):
        v = d.get(key, None)
        if v is None:
            if required:
                self.fail(f"{path}.{key}", "不能为空")
            return default
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            v = str(v)
        if isinstance(v, (datetime.date,)):
            v = v.isoformat()  # YAML reads an unquoted 2022-10-19 as a date
        if not isinstance(v, str):
            self.fail(f"{path}.{key}", "应为文字")
        return v

    def opt_s(self, d, key, path):
        v = d.get(key)
        return None if v is None else self.s(d, key, path)

    def i(self, d, key, path, required=False):
        v = d.get(key)
        if v is None:
            if required:
                self.fail(f"{path}.{key}", "不能为空")
            return None
        if isinstance(v, bool) or not isinstance(v, (int, str)):
            self.fail(f"{path}.{key}", f"应为整数，现为 {v!r}")
        try:
            return int(v)
        except ValueError:
            self.fail(f"{path}.{key}", f"应为整数，现为 {v!r}")

    def num(self, d, key, path):
        v = d.get(key)
        if v is None:
            return None
        if isinstance(v, bool):
            self.fail(f"{path}.{key}", f"应为数字，现为 {v!r}")
        if isinstance(v, str):
            try:
                v = float(v.strip().replace("％", "").replace("%", ""))
            except ValueError:
                self.fail(f"{path}.{key}", f"应为数字，现为 {v!r}")
        if not isinstance(v, (int, float)):
            self.fail(f"{path}.{key}", f"应为数字，现为 {v!r}")
        return float(v)

    def names(self, d, key, path):
        out = []
        for j, n in enumerate(self.lst(d.get(key), f"{path}.{key}")):
            if not isinstance(n, str) or not n.strip():
                self.fail(f"{path}.{key}[{j}]", "应为非空的单位名称")
            out.append(n.strip())
        return out


def _target_from(r: _Reader, d, path) -> Target:
    d = r.obj(d, path)
    comp = r.opt_s(d, "comparator", path)
    if comp is not None and comp not in COMPARATORS:
        r.fail(f"{path}.comparator", f"应为 {'、'.join(COMPARATORS)} 之一，现为 {comp!r}")
    kind = r.s(d, "kind", path, default="level")
    if kind not in KINDS:
        r.fail(f"{path}.kind", f"应为 {'、'.join(KINDS)} 之一，现为 {kind!r}")
    direction = r.opt_s(d, "direction", path)
    if direction not in (None, "decrease", "increase"):
        r.fail(f"{path}.direction", f"应为 decrease 或 increase，现为 {direction!r}")
    b = d.get("baseline")
    baseline = None
    if b is not None:
        b = r.obj(b, f"{path}.baseline")
        baseline = Baseline(value=r.num(b, "value", f"{path}.baseline"),
                            year=r.i(b, "year", f"{path}.baseline"))
    t = Target(
        indicator=r.s(d, "indicator", path, required=True),
        comparator=comp,
        value=r.num(d, "value", path),
        value_max=r.num(d, "value_max", path),
        unit=r.opt_s(d, "unit", path),
        year=r.i(d, "year", path),
        year_inferred=bool(d.get("year_inferred", False)),
        kind=kind,
        per=r.opt_s(d, "per", path),
        direction=direction,
        source=r.s(d, "source", path),
        line=r.i(d, "line", path),
        baseline=baseline,
        attribute=r.opt_s(d, "attribute", path),
        responsible=r.names(d, "responsible", path),
    )
    if comp == "between" and (t.value is None or t.value_max is None):
        r.fail(path, "比较方式为 between 时 value 与 value_max 都要填写")
    if comp is not None and comp != "between" and t.value is None:
        r.fail(f"{path}.value", "填写了比较方式，目标值不能为空")
    return t


def from_dict(data, *, file: str | None = None) -> Plan:
    r = _Reader(file)
    data = r.obj(data, "（顶层）")
    schema = data.get("schema", SCHEMA_VERSION)
    if schema != SCHEMA_VERSION:
        r.fail("schema", f"版本 {schema!r} 不受支持（本程序支持 {SCHEMA_VERSION}）")
    period = r.obj(data.get("period") or {}, "period")
    plan = Plan(
        title=r.s(data, "title", "", required=True),
        issuer=r.s(data, "issuer", ""),
        doc_number=r.s(data, "doc_number", ""),
        date=r.opt_s(data, "date", ""),
        period=Period(start=r.i(period, "start", "period"), end=r.i(period, "end", "period")),
    )
    declared = r.obj(data.get("declared") or {}, "declared")
    plan.declared = {str(k): r.i(declared, k, "declared") for k in declared}
    for di, dd in enumerate(r.lst(data.get("domains"), "domains")):
        p = f"domains[{di}]"
        dd = r.obj(dd, p)
        dom = Domain(number=r.i(dd, "number", p, True), title=r.s(dd, "title", p, True),
                     text=r.s(dd, "text", p), line=r.i(dd, "line", p))
        for ai, ad in enumerate(r.lst(dd.get("actions"), f"{p}.actions")):
            pa = f"{p}.actions[{ai}]"
            ad = r.obj(ad, pa)
            act = Action(number=r.i(ad, "number", pa, True), title=r.s(ad, "title", pa, True),
                         text=r.s(ad, "text", pa), line=r.i(ad, "line", pa))
            for ti, td in enumerate(r.lst(ad.get("tasks"), f"{pa}.tasks")):
                pt = f"{pa}.tasks[{ti}]"
                td = r.obj(td, pt)
                task = Task(
                    number=r.i(td, "number", pt, True), title=r.s(td, "title", pt, True),
                    text=r.s(td, "text", pt), line=r.i(td, "line", pt),
                    lead_departments=r.names(td, "lead_departments", pt),
                    cooperating_departments=r.names(td, "cooperating_departments", pt),
                )
                task.targets = [_target_from(r, g, f"{pt}.targets[{gi}]")
                                for gi, g in enumerate(r.lst(td.get("targets"), f"{pt}.targets"))]
                act.tasks.append(task)
            dom.actions.append(act)
        plan.domains.append(dom)
    plan.targets = [_target_from(r, g, f"targets[{gi}]")
                    for gi, g in enumerate(r.lst(data.get("targets"), "targets"))]
    for si, sd in enumerate(r.lst(data.get("sections"), "sections")):
        p = f"sections[{si}]"
        sd = r.obj(sd, p)
        plan.sections.append(Section(title=r.s(sd, "title", p, True), text=r.s(sd, "text", p),
                                     number=r.opt_s(sd, "number", p), line=r.i(sd, "line", p)))
    for wi, wd in enumerate(r.lst(data.get("warnings"), "warnings")):
        p = f"warnings[{wi}]"
        wd = r.obj(wd, p)
        plan.warnings.append(Warning(line=r.i(wd, "line", p), message=r.s(wd, "message", p, True)))
    plan.source = r.obj(data.get("source") or {}, "source")
    return plan


def load_structured(path: Path, raw: bytes) -> Plan:
    """Read a plan written by ``plan export`` (JSON or YAML), possibly hand-corrected."""
    from .reader import decode_text

    text, _enc = decode_text(raw, str(path))
    name = str(path)
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise PlanDocumentError(f"JSON 格式错误：{e.msg}（第{e.colno}列）", file=name, line=e.lineno)
        except RecursionError:  # thousands of nested brackets: no plan is shaped like that
            raise PlanDocumentError("JSON 嵌套层次过深，不是导出的行动方案文件", file=name) from None
    else:
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            raise PlanDocumentError(f"YAML 格式错误：{getattr(e, 'problem', e)}", file=name,
                                    line=(mark.line + 1) if mark else None)
        except RecursionError:
            raise PlanDocumentError("YAML 嵌套层次过深，不是导出的行动方案文件", file=name) from None
    if _expanded_size_exceeds(data, MAX_VALUES):
        # YAML aliases let 10 KB stand for a billion tasks (“billion laughs”); reading them
        # out one by one would never end
        raise PlanDocumentError(f"文件展开后超过 {MAX_VALUES} 个数据项，不是导出的行动方案文件", file=name)
    return from_dict(data, file=name)


MAX_VALUES = 2_000_000  # the reference plan is a few thousand


def _expanded_size_exceeds(data, limit: int) -> bool:
    """Count the values as from_dict would visit them (a shared alias once per use), stopping
    as soon as the count passes ``limit``."""
    stack, n = [data], 0
    while stack:
        v = stack.pop()
        n += 1
        if n > limit:
            return True
        if isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return False
