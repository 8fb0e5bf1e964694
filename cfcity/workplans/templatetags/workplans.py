from django import template

from cfcity.workplans.breakdown import num

register = template.Library()
register.filter("num", num)  # 100 not 1E+2, 2 not 2.0000000000
