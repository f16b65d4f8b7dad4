"""Watchlists: terms an organisation watches for, and alerts when ads or names match them.

Public surface: ``services.scan_ads``, ``services.check_names``, ``services.add_terms``,
``services.matcher_for``.
"""

__all__: list[str] = []
