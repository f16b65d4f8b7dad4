from django.apps import AppConfig

__all__ = ["AdsConfig"]


class AdsConfig(AppConfig):
    name = "tipwatch.web.ads"
    label = "ads"
    verbose_name = "Ads and entities"
