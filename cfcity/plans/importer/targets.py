"""Quantitative and dated targets in a task's wording.

A task's text is cut into sentences (。；), each sentence into year segments (到2023年…；
到2025年…) and clauses (，).  A clause yields a target when it holds a quantity with a
comparator (达到/超过/不低于/不少于/至少/增至/控制在…以内/…以上), a count after a building verb
(建设3条…), a coverage phrase (全覆盖/普遍开展/应建尽建/全部…到位), or — with a year and
nothing else measurable — a milestone.  The rules are listed in docs/importer.md.
"""
from __future__ import annotations

import re

from .model import Target
from .text import split_outside_brackets

NUM = r"\d+(?:\.\d+)?"
RANGE_SEP = r"\s*(?:[—–\-－~～至到]|——)\s*"
# units, longest first so that 个百分点 wins over 个
UNITS = sorted("""/10万 /万 /千 /百 个百分点 百分点 % ％ ‰ 个 名 所 条 处 片 张 小时 分钟 次 项 家 人次 万人次 万人 人 万元 亿元 元 万册 万个 万名 万张 万户 万平方米 万亩
平方米 公顷 亩 公里 千米 米 座 间 户 支 场 批 套 部 期 倍 天 周 册 台 辆 床 位 块 门 节 课时 学时 种 类 件""".split(),
               key=len, reverse=True)
UNIT = "(?:" + "|".join(re.escape(u) for u in UNITS) + ")"
COUNT_UNITS = set("个 名 所 条 处 片 张 家 座 间 户 支 批 套 部 块 项 件 种 场 床 位".split())
COUNT_UNITS |= {"万" + u for u in COUNT_UNITS}  # 新增学位5万个
PRE = {  # words before the number and what they mean
    "不低于": ">=", "不少于": ">=", "不小于": ">=", "至少": ">=", "达到": ">=", "超过": ">", "高于": ">",
    "大于": ">", "多于": ">", "增至": ">=", "增加到": ">=", "增加至": ">=", "提高到": ">=", "提高至": ">=",
    "提升到": ">=", "提升至": ">=", "升至": ">=", "保持在": ">=", "稳定在": ">=", "控制在": "<=",
    "降至": "<=", "降低到": "<=", "降低至": "<=", "下降到": "<=", "下降至": "<=", "不超过": "<=",
    "不高于": "<=", "不大于": "<=", "低于": "<", "少于": "<", "小于": "<", "分别达到": ">=",
    "均达到": ">=", "均不低于": ">=", "保持": ">=", "均保持": ">=", "都达到": ">=", "≥": ">=", "≤": "<=", ">": ">", "<": "<", "＞": ">", "＜": "<",
}
PRE_RE = "(?:" + "|".join(re.escape(w) for w in sorted(PRE, key=len, reverse=True)) + ")"
POST = {"以上": ">=", "及以上": ">=", "以内": "<=", "以下": "<=", "及以下": "<=", "左右": "=="}
POST_RE = "(?:及以上|及以下|以上|以内|以下|左右)"
BUILD_VERBS = ("新建改扩建", "改扩建", "新建", "改建", "建设", "建成", "打造", "创建", "培育", "完成", "配备",
               "设立", "建立", "开展", "组织", "举办", "拥有", "掌握", "达标", "认定", "命名", "评选", "开设",
               "新增", "改造", "建有", "设置", "评选表彰")
CHANGE_RE = re.compile(rf"(?:平均|年均)?每年(?:平均)?(降低|下降|减少|提高|增加|增长|提升)({NUM})\s*({UNIT})\s*({POST_RE})?")
FREQ_RE = re.compile(r"每(天|日|周|月|季度|学期|学年|年)")
PER_UNIT_RE = re.compile(r"^(?:每个|各|每)?(镇（街道）|村（社区）|村（居）|乡镇（街道）|镇街|乡镇|街道|社区|村|学校|幼儿园|医院|县（市、区）|区县|校|园|镇)"
                         r"(?:均|都|要|应|至少)?(配备|设立|建设|建立|建成|建有|设有|成立|配齐|配置|设置|确定)")
YEAR_RE = re.compile(r"(?:到|至|截至|截止到|于|在)?\s*(20\d{2})\s*年(?:底|末|年底)?(?:前|以前|之前)?")
COVERAGE_RE = re.compile(r"全覆盖|应建尽建|应设尽设|应配尽配|应保尽保|全部[^，。；]{0,12}(?:到位|完成|建成|覆盖|达标)|普遍(?:开展|建设|建立|设立|实现|配备)")
FILLER = re.compile(r"^(?:完成(?!率)|并|同时|其中|力争|争取|努力|推动|推进|确保|保障|实现|落实|持续|着力|逐步|积极|全面|基本|进一步|全县|全市|全区|全省)+")
PER_HEAD = r"(?:每人每月|每人每年|每人每天|每生每年|每月|人均)"
QTY = re.compile(
    rf"(?P<pre>{PRE_RE})?\s*(?P<perhead>{PER_HEAD})?\s*(?P<v1>{NUM})(?:(?:\s*(?P<u1>{UNIT}))?{RANGE_SEP}(?P<v2>{NUM}))?\s*(?P<unit>{UNIT})\s*(?P<post>{POST_RE})?")
LIST_QTY = re.compile(
    rf"(?P<pre>{PRE_RE})\s*(?P<vals>{NUM}\s*{UNIT}?(?:\s*[、和]\s*{NUM}\s*{UNIT}?)+)\s*(?P<post>{POST_RE})?")


SHARED_QTY = re.compile(
    rf"^(?P<subj>.+?)(?:均|都)(?P<pre>{PRE_RE})?\s*(?P<v>{NUM})\s*(?P<unit>{UNIT})\s*(?P<post>{POST_RE})?")
RATE_END = re.compile(r"(率|比例|比重|占比)$")


def _num(s: str) -> float:
    return float(s)


def _norm_unit(u: str | None) -> str | None:
    if u == "％":
        return "%"
    if u == "百分点":
        return "个百分点"
    return u


def _strip_filler(s: str) -> str:
    s = s.strip(" ，、：:")
    prev = None
    while prev != s:
        prev = s
        s = FILLER.sub("", s).strip(" ，、")
    return s


def _finish_indicator(subject: str, unit: str | None, per_capita: str | None) -> str:
    s = _strip_filler(subject)
    s = re.sub(r"(?:已经|要|应|将|均|都|分别|总体上)$", "", s)
    s = re.sub(r"拥有", "", s) if s.startswith("每") else s
    if per_capita and not s.startswith("每"):
        s = per_capita + s
    if unit == "%" and not re.search(r"(率|比例|比重|占比|覆盖面|满意度|水平|指数)$", s):
        s += "占比"
    elif unit in COUNT_UNITS and s.startswith("每") and not s.endswith(("数", "量")):
        s += "数"
    return s


def _comparator(pre: str | None, post: str | None, default: str = ">=") -> str:
    if pre and PRE.get(pre) not in (None, ">="):
        return PRE[pre]
    if post:
        return POST[post]
    if pre:
        return PRE[pre]
    return default


def _year_segments(sentence: str):
    """Split a sentence at each year phrase: yields (year or None, text)."""
    cuts = [m for m in YEAR_RE.finditer(sentence)]
    if not cuts:
        yield None, sentence
        return
    first = cuts[0]
    head = sentence[:first.start()]
    if head.strip(" ，,"):
        # its own targets have no year; it may still name the subject of the next segment
        # ("组织实施…项目，2023年完成应建尽建")
        yield None, head
    for i, m in enumerate(cuts):
        end = cuts[i + 1].start() if i + 1 < len(cuts) else len(sentence)
        yield int(m.group(1)), sentence[m.end():end]


def sentences(text: str) -> list[str]:
    pieces = split_outside_brackets(text, "。；;！？!?\n", keep=True)
    return [s.strip() for s in pieces if s.strip(" 。；;\n")]


def _clauses(segment: str) -> list[str]:
    return [c.strip() for c in split_outside_brackets(segment, "，,。；;") if c.strip()]


def _is_year_number(clause: str, m: re.Match) -> bool:
    return bool(re.fullmatch(r"20\d{2}", m.group("v1"))) and clause[m.end("v1"):m.end("v1") + 1] == "年"


class _Extractor:
    def __init__(self, end_year: int | None):
        self.end_year = end_year
        self.last: Target | None = None

    def make(self, *, indicator, comparator, value, value_max=None, unit=None, year, kind, source,
             line, per=None, direction=None) -> Target:
        if not indicator and self.last is not None and self.last.unit == _norm_unit(unit):
            indicator = self.last.indicator  # "到2027年，达到4.5个": the subject of the last target
        self.last = Target(indicator=indicator, comparator=comparator, value=value, value_max=value_max,
                      unit=_norm_unit(unit), year=year if year else self.end_year,
                      year_inferred=year is None, kind=kind, per=per, direction=direction,
                      source=source, line=line)
        return self.last

    def clause_targets(self, clause, prev_clause, year, source, line, per_capita) -> list[Target]:
        found: list[Target] = []
        # 1. annual change: 近视率平均每年降低1个百分点以上
        m = CHANGE_RE.search(clause)
        if m:
            direction = "decrease" if m.group(1) in ("降低", "下降", "减少") else "increase"
            found.append(self.make(
                indicator=_finish_indicator(clause[:m.start()], None, None),
                comparator=POST.get(m.group(4) or "", ">=") if m.group(4) != "左右" else "==",
                value=_num(m.group(2)), unit=m.group(3), year=year, kind="annual_change",
                source=source, line=line, direction=direction))
            return found
        # 2. parallel lists: 优良率、合格率达到55%、95%以上
        m = LIST_QTY.search(clause)
        if m:
            vals = re.findall(rf"({NUM})\s*({UNIT})?", m.group("vals"))
            subject = _strip_filler(clause[:m.start()])
            subjects = [s for s in re.split(r"[、和]", subject) if s]
            if len(subjects) == len(vals) and len(vals) > 1:
                unit_all = next((u for _, u in reversed(vals) if u), None)
                first = subjects[0]
                for i, ((v, u), subj) in enumerate(zip(vals, subjects)):
                    if i > 0 and len(subj) < len(first) and first.endswith(subj[-1]):
                        subj = first[: len(first) - len(subj)] + subj  # 合格率 → 学生体质健康测试合格率
                    unit = _norm_unit(u or unit_all)
                    found.append(self.make(
                        indicator=_finish_indicator(subj, unit, per_capita),
                        comparator=_comparator(m.group("pre"), m.group("post")), value=_num(v),
                        unit=unit, year=year, kind="level", source=source, line=line))
                return found
        # 2b. one value for several subjects: 孕产妇系统管理率和3岁以下儿童系统管理率均达到92%以上
        m = SHARED_QTY.search(clause)
        if m:
            subjects = [s for s in re.split(r"[、和及]", _strip_filler(m.group("subj"))) if s]
            if len(subjects) > 1 and all(RATE_END.search(s) for s in subjects):
                unit = _norm_unit(m.group("unit"))
                for subj in subjects:
                    found.append(self.make(
                        indicator=_finish_indicator(subj, unit, per_capita),
                        comparator=_comparator(m.group("pre"), m.group("post")), value=_num(m.group("v")),
                        unit=unit, year=year, kind="level", source=source, line=line))
                return found
        # 3. quantities, possibly several joined by 、
        parts = self._split_enumeration(clause)
        for part in parts:
            t = self._quantity(part, prev_clause, year, source, line, per_capita)
            if t:
                found.append(t)
        if found:
            return found
        # 4. coverage: 全覆盖 / 普遍开展 / 应建尽建 / 全部…到位
        m = COVERAGE_RE.search(clause)
        if m:
            if m.group() == "全覆盖":
                subj = _strip_filler(re.sub(r"实现|达到|做到", "", clause[:m.start()]))
                indicator = (subj + "覆盖率") if subj else ""
            else:
                indicator = _strip_filler(clause)
            if len(_strip_filler(clause[:m.start()])) < 2 and prev_clause:
                indicator = _strip_filler(re.sub(r"^(组织实施|实施|组织)", "", prev_clause)) + \
                    _strip_filler(clause[m.start():])
            if indicator:
                found.append(self.make(indicator=indicator, comparator=">=", value=100.0, unit="%",
                                       year=year, kind="coverage", source=source, line=line))
        return found

    @staticmethod
    def _split_enumeration(clause: str) -> list[str]:
        """'医生0.85名、床位增至2.2张' → two parts when each part holds its own quantity."""
        pieces = re.split(r"、", clause)
        if len(pieces) < 2:
            return [clause]
        merged: list[str] = []
        for p in pieces:
            if merged and not QTY.search(merged[-1]):
                merged[-1] += "、" + p
            else:
                merged.append(p)
        if len(merged) > 1 and not QTY.search(merged[-1]):
            merged[-2] += "、" + merged.pop()
        return merged

    def _quantity(self, part, prev_clause, year, source, line, per_capita) -> Target | None:
        for m in QTY.finditer(part):
            if _is_year_number(part, m):
                continue
            unit = m.group("unit")
            pre, post = m.group("pre"), m.group("post")
            before = part[:m.start()]
            if not pre:
                # 每学期至少组织2次: the comparator stands before the verb
                pm = re.search(rf"({PRE_RE})((?:{'|'.join(BUILD_VERBS)})?)$", before)
                if pm:
                    pre = pm.group(1)
                    before = before[:pm.start()] + pm.group(2)
            verb = next((v for v in BUILD_VERBS if v in before), None)
            after = part[m.end():]
            freq = FREQ_RE.search(before)
            per_unit = PER_UNIT_RE.match(_strip_filler(before))
            if not (pre or post or (verb and unit in COUNT_UNITS) or m.group("v2")):
                continue
            if unit in ("分钟",) and not (pre or post):
                continue
            v1, v2 = _num(m.group("v1")), m.group("v2")
            comparator = "between" if v2 else _comparator(pre, post)
            if per_unit and unit in COUNT_UNITS:
                kind, per = "per_unit", per_unit.group(1)
            elif freq and (unit in ("次", "小时", "分钟", "场", "课时", "学时", "天", "项")
                           or (verb and unit in COUNT_UNITS)):
                kind, per = "frequency", freq.group(1)
            elif verb and unit in COUNT_UNITS and not before.startswith("每") and verb not in ("拥有", "掌握"):
                kind, per = "cumulative", None
            else:
                kind, per = "level", None
            if after.strip() and (verb or kind in ("per_unit", "frequency", "cumulative")) and not re.match(r"^[的]?[率比]", after):
                # the counted thing follows the number: 建设3条儿童友好出行道路
                obj = after.strip()
                indicator = _strip_filler(before.strip()) + obj
                indicator = _strip_filler(indicator)
                if kind == "cumulative":
                    indicator = _strip_filler(re.sub(r"^(完成|推动|至少|全县)+", "", indicator))
            else:
                indicator = _finish_indicator(before, _norm_unit(unit), per_capita)
            indicator = indicator.replace("至少", "")
            if m.group("perhead"):
                indicator += f"（{m.group('perhead')}）"  # 不低于每人每月1800元
            if not indicator and not (self.last is not None and self.last.unit == _norm_unit(unit)):
                indicator = _strip_filler(prev_clause or "")
            return self.make(indicator=indicator, comparator=comparator, value=v1,
                             value_max=_num(v2) if v2 else None, unit=unit, year=year, kind=kind,
                             source=source, line=line, per=per)
        return None


def extract(text: str, line: int | None, end_year: int | None) -> list[Target]:
    ex = _Extractor(end_year)
    out: list[Target] = []
    for sentence in sentences(text):
        source = sentence.rstrip("；;")
        prev = None  # the clause before, across year segments of the sentence
        for year, segment in _year_segments(sentence):
            clauses = _clauses(segment)
            seg_targets: list[Target] = []
            for clause in clauses:
                per_capita = None  # 每千名儿童… carries over 、-joined parts of its clause only
                pc = re.match(r"^(每(?:千|万|百|十万)(?:名|个)?(?:人口|儿童|常住人口|学生|户)?)", _strip_filler(clause))
                if pc:
                    per_capita = pc.group(1)
                seg_targets += ex.clause_targets(clause, prev, year, source, line, per_capita)
                prev = clause
            if not seg_targets and year is not None:
                body = "，".join(clauses).strip(" ，。；;")
                body = _strip_filler(body)
                if len(body) >= 4:
                    seg_targets.append(ex.make(indicator=body, comparator=None, value=None, year=year,
                                               kind="milestone", source=source, line=line))
            out += seg_targets
    return out
