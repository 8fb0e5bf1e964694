"""Abuse limits per address for the public pages (the children's form, and others that take
anonymous input): at most ``per_hour`` and ``per_day`` submissions from one address.

The counts live in the database (``LimitHit``) so that several web processes and servers share
them. An address is stored only as a keyed hash (HMAC-SHA256 with SECRET_KEY): the table says
that *some* address sent something, not which. Rows older than a day are removed as new ones
are written.

The address is REMOTE_ADDR. Behind a reverse proxy set ``CFCITY_TRUSTED_PROXY_HOPS`` (an
integer, default 0) to the number of proxies that append to X-Forwarded-For; the address that
many entries from the right is then used (never the left-most, which a client can forge).
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import LimitHit


def client_address(request) -> str:
    addr = request.META.get("REMOTE_ADDR", "") or ""
    hops = int(getattr(settings, "CFCITY_TRUSTED_PROXY_HOPS", 0) or 0)
    if hops > 0:
        chain = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(chain) >= hops:
            addr = chain[-hops]
    return addr[:100]


def client_key(request, bucket: str = "") -> str:
    """The keyed hash of the client's address (what is stored)."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"voice-limit|{client_address(request)}".encode(), hashlib.sha256).hexdigest()


def allow(request, bucket: str, *, per_hour: int, per_day: int) -> bool:
    """True and counted if the client's address is under both limits for ``bucket``; False
    (and not counted) if it is over either."""
    now = timezone.now()
    client = client_key(request)
    bucket = bucket[:40]
    with transaction.atomic():
        LimitHit.objects.filter(at__lt=now - timedelta(days=1)).delete()
        recent = LimitHit.objects.filter(bucket=bucket, client=client, at__gte=now - timedelta(days=1))
        if recent.count() >= per_day or recent.filter(at__gte=now - timedelta(hours=1)).count() >= per_hour:
            return False
        LimitHit.objects.create(bucket=bucket, client=client, at=now)
    return True
