"""The audit-log search page (/audit/): thin, the rules are in search.py."""
from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import render

from cfcity.accounts import access

from . import search
from .services import action_label, log_action

PER_PAGE = 50


@login_required
def search_page(request):
    if not search.can_audit(request.user):
        raise PermissionDenied("只有协调员和安全审计员可以查询操作记录")
    entries, filters = search.apply(request.user, request.GET)
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    rows = [{"entry": e, "label": action_label(e.action), "type": search.type_label(e.object_type),
             "data": json.dumps(e.data, ensure_ascii=False, indent=1, sort_keys=True) if e.data else ""}
            for e in page.object_list]
    m = access.membership(request.user)
    with transaction.atomic():  # the auditors' own searches are on the record too
        log_action("audit.log.searched", actor=request.user, org_unit=m.org_unit if m else None,
                   data={"filters": filters.values, "page": page.number, "found": page.paginator.count})
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/search.html", {
        "page": page, "rows": rows, "filters": filters, "query": query.urlencode(),
        "actions": search.action_choices(request.user), "types": search.type_choices(request.user),
    })
