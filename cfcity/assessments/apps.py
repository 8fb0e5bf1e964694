from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "cfcity.assessments"
    label = "assessments"
    verbose_name = "儿童影响评价"
