from django.apps import AppConfig

__all__ = ["AccountsConfig"]


class AccountsConfig(AppConfig):
    name = "tipwatch.web.accounts"
    label = "accounts"
    verbose_name = "Accounts and organisations"

    def ready(self) -> None:
        from tipwatch.web.accounts import signals  # noqa: F401  (connect login audit)
