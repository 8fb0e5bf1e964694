"""limit/offset paging for every list endpoint: ``?limit=50&offset=100``; the answer says
``count`` (all matches), ``limit``, ``offset`` and ``items``. A limit above MAX_LIMIT is a 422."""
from ninja import Query

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

Limit = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"每页条数（1—{MAX_LIMIT}）")
MAX_ID = 2 ** 63 - 1  # an id query parameter past the database's bigint was a server error
MAX_OFFSET = 10 ** 9  # far past any list; an offset beyond PostgreSQL's bigint was a server error
Offset = Query(0, ge=0, le=MAX_OFFSET, description=f"跳过的条数（0—{MAX_OFFSET}）")


def page(queryset, limit: int, offset: int, convert) -> dict:
    """One page of ``queryset`` (which must be ordered), each row through ``convert``."""
    rows = list(queryset[offset:offset + limit])
    return {"count": queryset.count(), "limit": limit, "offset": offset,
            "items": convert(rows)}
