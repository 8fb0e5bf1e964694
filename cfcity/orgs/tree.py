"""The org-unit tree: paths, ancestors, descendants and the rules of the tree.

Rules (checked by ``check_parent``; ``OrgUnit.clean`` and the Excel import use them):

- only an area (县/市/区) may stand at the top; an area may sit under another area
  (a city with its counties and districts), so a deployment may hold several counties;
- departments, towns (镇、街道) sit under an area; a department may have sub-units that are
  departments too; villages and communities (村、社区) sit under a town;
- schools, kindergartens and hospitals sit under an area, a department (e.g. 县教育体育局),
  a town or a village; "other" may sit under anything;
- a unit is never its own ancestor (no cycles).

Plain functions over ``OrgUnit``; each walks the tree one query per level at most.
"""
from __future__ import annotations

from collections.abc import Iterable

from .models import OrgUnit

K = OrgUnit.Kind
PATH_SEP = " / "

# kind → the kinds its parent may have; None = may stand at the top
ALLOWED_PARENTS: dict[str, frozenset] = {
    K.AREA: frozenset({None, K.AREA}),
    K.DEPARTMENT: frozenset({K.AREA, K.DEPARTMENT}),
    K.TOWN: frozenset({K.AREA}),
    K.VILLAGE: frozenset({K.TOWN}),
    K.SCHOOL: frozenset({K.AREA, K.DEPARTMENT, K.TOWN, K.VILLAGE}),
    K.KINDERGARTEN: frozenset({K.AREA, K.DEPARTMENT, K.TOWN, K.VILLAGE}),
    K.HOSPITAL: frozenset({K.AREA, K.DEPARTMENT, K.TOWN, K.VILLAGE}),
    K.OTHER: frozenset(set(K.values)),
}


class TreeError(ValueError):
    """A broken tree rule; the message is Chinese and meant for the user as is."""


def kind_label(kind: str | None) -> str:
    return K(kind).label if kind in K.values else str(kind)


# the words a plan uses for units of a kind: 每个镇（街道）, 村（社区）, 中小学校 …
KIND_WORDS = {"镇": K.TOWN, "街道": K.TOWN, "村": K.VILLAGE, "社区": K.VILLAGE, "学校": K.SCHOOL,
              "幼儿园": K.KINDERGARTEN, "医院": K.HOSPITAL}


def kind_named_in(text: str | None) -> str | None:
    """The kind of unit ``text`` speaks of (a per_unit target's “镇（街道）”), or None."""
    for word, kind in KIND_WORDS.items():
        if text and word in text:
            return kind
    return None


def nesting_problem(kind: str, parent_kind: str | None) -> str | None:
    """Why a unit of ``kind`` may not sit under a unit of ``parent_kind`` (None = at the top),
    as a Chinese sentence; None when it may."""
    allowed = ALLOWED_PARENTS.get(kind)
    if allowed is None:
        return f"未知的单位类型“{kind}”"
    if parent_kind in allowed:
        return None
    if parent_kind is None:
        return f"{kind_label(kind)}必须有上级单位（只有县/市/区可以作为最上级）"
    wanted = "、".join(kind_label(k) for k in K.values if k in allowed)
    return f"{kind_label(kind)}不能放在{kind_label(parent_kind)}下面（上级应为：{wanted}）"


def ancestors(unit: OrgUnit) -> list[OrgUnit]:
    """The units above ``unit``, from the top down (``unit`` itself not included).
    One query per level; stops if the stored tree has a cycle."""
    chain: list[OrgUnit] = []
    seen = {unit.pk}
    node = unit
    while node.parent_id is not None and node.parent_id not in seen:
        node = OrgUnit.objects.get(pk=node.parent_id)
        seen.add(node.pk)
        chain.append(node)
    chain.reverse()
    return chain


def path(unit: OrgUnit, sep: str = PATH_SEP) -> str:
    """The full name of ``unit``: "淄博市 / 桓台县 / 县教育体育局"."""
    return sep.join(u.name for u in (*ancestors(unit), unit))


def descendants(unit: OrgUnit, *, include_self: bool = False) -> list[OrgUnit]:
    """Every unit below ``unit``, level by level (one query per level), each level in the
    model's order. Safe on a stored tree that has a cycle."""
    found: list[OrgUnit] = [unit] if include_self else []
    seen = {unit.pk}
    level = [unit.pk]
    while level:
        rows = [u for u in OrgUnit.objects.filter(parent_id__in=level) if u.pk not in seen]
        seen.update(u.pk for u in rows)
        found.extend(rows)
        level = [u.pk for u in rows]
    return found


def descendant_ids(unit_ids: Iterable[int]) -> set[int]:
    """The ids of the given units and everything below them (one query per level)."""
    seen = set(unit_ids)
    level = list(seen)
    while level:
        level = [i for i in OrgUnit.objects.filter(parent_id__in=level).values_list("id", flat=True)
                 if i not in seen]
        seen.update(level)
    return seen


def check_parent(unit: OrgUnit, parent: OrgUnit | None):
    """Raise TreeError unless ``unit`` (saved or not) may sit under ``parent``: the parent is
    neither the unit itself nor one of its descendants, and the kinds nest."""
    if parent is not None and unit.pk is not None:
        if parent.pk == unit.pk:
            raise TreeError(f"“{unit.name}”不能作为自己的上级单位")
        if any(a.pk == unit.pk for a in ancestors(parent)):
            raise TreeError(f"“{parent.name}”是“{unit.name}”的下级单位，不能作为它的上级（会形成循环）")
    problem = nesting_problem(unit.kind, parent.kind if parent is not None else None)
    if problem:
        raise TreeError(problem)
    if unit.pk is not None:
        # a unit whose kind changes must still suit the units under it
        for child in OrgUnit.objects.filter(parent_id=unit.pk).only("name", "kind"):
            problem = nesting_problem(child.kind, unit.kind)
            if problem:
                raise TreeError(f"下级单位“{child.name}”：{problem}")


def load_tree() -> tuple[dict[int, OrgUnit], dict[int | None, list[OrgUnit]]]:
    """Every unit in one query: (by id, children by parent id, each list in the model's order)."""
    by_id: dict[int, OrgUnit] = {}
    children: dict[int | None, list[OrgUnit]] = {}
    for u in OrgUnit.objects.all():
        by_id[u.pk] = u
        children.setdefault(u.parent_id, []).append(u)
    return by_id, children


def names_path(unit: OrgUnit, by_id: dict[int, OrgUnit]) -> tuple[str, ...]:
    """The names from the top down to ``unit``, from an in-memory ``by_id`` map."""
    names = [unit.name]
    seen = {unit.pk}
    node = unit
    while node.parent_id is not None and node.parent_id not in seen:
        node = by_id[node.parent_id]
        seen.add(node.pk)
        names.append(node.name)
    return tuple(reversed(names))


def walk(children: dict[int | None, list[OrgUnit]], roots: list[OrgUnit]) -> list[OrgUnit]:
    """``roots`` and everything below them, depth first, parents before children."""
    out: list[OrgUnit] = []
    seen: set[int] = set()
    stack = list(reversed(roots))
    while stack:
        u = stack.pop()
        if u.pk in seen:
            continue
        seen.add(u.pk)
        out.append(u)
        stack.extend(reversed(children.get(u.pk, [])))
    return out


def find(text: str) -> OrgUnit:
    """The unit named by ``text``: a full path ("淄博市/桓台县/县教育体育局", separators "/" or
    "／", spaces around them ignored) or a bare name when only one unit bears it."""
    whole = (text or "").strip()
    if "/" in whole or "／" in whole:
        units = list(OrgUnit.objects.filter(name=whole)[:2])   # a name that holds a slash
        if len(units) == 1:
            return units[0]
    names = split_path(text)
    if not names:
        raise TreeError("请给出单位名称或完整路径")
    if len(names) == 1:
        units = list(OrgUnit.objects.filter(name=names[0]))
        if not units:
            raise TreeError(f"没有名为“{names[0]}”的单位")
        if len(units) > 1:
            by_id, _ = load_tree()
            options = "；".join("/".join(names_path(u, by_id)) for u in units)
            raise TreeError(f"有 {len(units)} 个单位名为“{names[0]}”，请写出完整路径：{options}")
        return units[0]
    unit = None
    for i, name in enumerate(names):
        unit = OrgUnit.objects.filter(parent=unit, name=name).first()
        if unit is None:
            raise TreeError(f"找不到单位“{'/'.join(names[:i + 1])}”")
    return unit


def split_path(text: str) -> list[str]:
    """"淄博市 / 桓台县" → ["淄博市", "桓台县"]; an empty part stays, as "" (callers refuse it)."""
    text = (text or "").strip()
    if not text:
        return []
    return [p.strip() for p in text.replace("／", "/").split("/")]


def area_named(name: str) -> OrgUnit | None:
    """The area unit called ``name`` anywhere in the tree (a county under its city), when
    exactly one; a top-level unit of that name wins. None when there is none or it is ambiguous."""
    top = OrgUnit.objects.filter(name=name, parent=None).first()
    if top is not None:
        return top
    areas = list(OrgUnit.objects.filter(name=name, kind=K.AREA)[:2])
    return areas[0] if len(areas) == 1 else None
