from django.apps import AppConfig

__all__ = ["CoreConfig"]


class CoreConfig(AppConfig):
    name = "tipwatch.web.core"
    label = "tipwatch_core"
    verbose_name = "tipwatch core"
