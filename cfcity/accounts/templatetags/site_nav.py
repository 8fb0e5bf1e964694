"""``{% site_menu user as menu %}``: the header's links for this user (cfcity.accounts.nav)."""
from django import template

from cfcity.accounts.nav import menu

register = template.Library()


@register.simple_tag
def site_menu(user):
    return menu(user)
