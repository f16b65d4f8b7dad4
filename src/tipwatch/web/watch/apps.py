from django.apps import AppConfig

__all__ = ["WatchConfig"]


class WatchConfig(AppConfig):
    name = "tipwatch.web.watch"
    label = "watch"
    verbose_name = "Watchlists and alerts"
