from django.apps import AppConfig

__all__ = ["ProfilesConfig"]


class ProfilesConfig(AppConfig):
    name = "tipwatch.web.profiles"
    label = "profiles"
    verbose_name = "Site and entity profiles"
