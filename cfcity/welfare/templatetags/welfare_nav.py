"""``user|welfare_nav``: show the header's 困境儿童 link? (base.html)"""
from django import template

from cfcity.accounts.roles import Role
from cfcity.welfare import access

register = template.Library()


@register.filter
def welfare_nav(user) -> bool:
    """Whoever has a register action, and the coordinator and leaders (counts, roster)."""
    if access.actions_for(user):
        return True
    m = access.membership(user)
    return m is not None and user.is_active and m.role in (Role.COORDINATOR, Role.LEADER)
