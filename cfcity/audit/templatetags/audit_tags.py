from django import template

from cfcity.audit.search import can_audit as _can_audit

register = template.Library()


@register.filter
def can_audit(user) -> bool:
    """For the nav link: may this user search the audit log?"""
    return _can_audit(user)
