from django import template

from cfcity.supervision.services import may_use

register = template.Library()


@register.filter
def supervision_nav(user) -> bool:
    """Show 督查整改 in the menu to the roles that take part in it."""
    return may_use(user)
