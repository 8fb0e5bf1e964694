"""/api/orgs: the org units the caller may see, and adding a unit under one they manage."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from ninja import Query, Router, Status

from cfcity.accounts import access
from cfcity.orgs import services, tree
from cfcity.orgs.models import OrgUnit

from ..errors import NOT_FOUND, UnprocessableEntity
from ..pagination import MAX_ID, Limit, Offset, page
from ..schemas import Error, OrgPage, OrgUnitIn, OrgUnitOut, ValidationErrorOut

router = Router(tags=["单位"])


def unit_row(u: OrgUnit, path: str) -> dict:
    """``u`` as an OrgUnitOut dict, ``path`` its full name (``tree.path``)."""
    return {"id": u.pk, "name": u.name, "short_name": u.short_name, "kind": u.kind,
            "kind_label": tree.kind_label(u.kind), "code": u.code, "parent_id": u.parent_id,
            "path": path, "order": u.order, "active": u.active}


def unit_rows(units: list[OrgUnit]) -> list[dict]:
    """A page of units, their paths from the whole tree read in one query (``tree.load_tree``:
    a deployment's tree is a few thousand rows at most; a page is up to 200 of them)."""
    if not units:
        return []
    by_id, _ = tree.load_tree()
    return [unit_row(u, tree.PATH_SEP.join(tree.names_path(u, by_id))) for u in units]


@router.get("", response={200: OrgPage, 401: Error, 422: ValidationErrorOut},
            summary="列出单位", description="您的管理范围内的单位（含下级），可按上级单位和类型筛选。")
def list_orgs(request, parent: int | None = Query(None, ge=1, le=MAX_ID, description="只列出这个上级单位的直属下级"),
              kind: OrgUnit.Kind | None = Query(None, description="只列出这一类型"),
              limit: int = Limit, offset: int = Offset):
    qs = access.visible_to(request.auth, OrgUnit.objects.all(), field="pk")
    if parent is not None:
        qs = qs.filter(parent_id=parent)
    if kind is not None:
        qs = qs.filter(kind=kind)
    return page(qs.order_by("parent_id", "order", "kind", "name", "id"), limit, offset, unit_rows)


@router.get("/{int:unit_id}", response={200: OrgUnitOut, 401: Error, 404: Error}, summary="单位详情")
def get_org(request, unit_id: int):
    unit = access.get_for_user(request.auth, OrgUnit.objects.all(), field="pk", pk=unit_id)
    return unit_row(unit, tree.path(unit))


@router.post("", response={201: OrgUnitOut, 400: Error, 401: Error, 403: Error, 422: ValidationErrorOut},
             summary="新建单位",
             description="在您管理范围内的单位下新建下级单位。只有协调员、系统管理员可以新建；"
                         "单位类型须符合层级规则（如村、社区只能在镇、街道之下）。")
def create_org(request, payload: OrgUnitIn):
    user = request.auth
    # a parent outside the scope reads exactly like one that does not exist
    parent = access.visible_to(user, OrgUnit.objects.all(), field="pk") \
        .filter(pk=payload.parent_id).first()
    if parent is None:
        raise UnprocessableEntity({"parent_id": NOT_FOUND})
    if not access.can_manage_units(user, parent.pk):
        raise PermissionDenied("只有协调员和系统管理员可以新建单位")
    try:
        unit = services.create_unit(parent, name=payload.name, kind=payload.kind, short_name=payload.short_name,
                                    code=payload.code, order=payload.order, actor=user, via="api")
    except services.UnitInvalid as e:
        raise UnprocessableEntity(e.errors) from None
    return Status(201, unit_row(unit, tree.path(unit)))
