from django.apps import AppConfig

__all__ = ["LinksConfig"]


class LinksConfig(AppConfig):
    name = "tipwatch.web.links"
    label = "links"
    verbose_name = "Operations, templates and shared images"
