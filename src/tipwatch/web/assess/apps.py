from django.apps import AppConfig

__all__ = ["AssessConfig"]


class AssessConfig(AppConfig):
    name = "tipwatch.web.assess"
    label = "assess"
    verbose_name = "Assessments and review"
