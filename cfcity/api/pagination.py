"""limit/offset paging for every list endpoint: ``?limit=50&offset=100``; the answer says
``count`` (all matches), ``limit``, ``offset`` and ``items``. A limit above MAX_LIMIT is a 422."""
from ninja import Query

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

Limit = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"每页条数（1—{MAX_LIMIT}）")
Offset = Query(0, ge=0, description="跳过的条数")


def page(queryset, limit: int, offset: int, convert) -> dict:
    """One page of ``queryset`` (which must be ordered), each row through ``convert``."""
    rows = list(queryset[offset:offset + limit])
    return {"count": queryset.count(), "limit": limit, "offset": offset,
            "items": convert(rows)}
