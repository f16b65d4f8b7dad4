"""Stored assessments of ads, the analysts' review queue and the public "Check a job offer" page.

Public surface: ``services.assess_ads``, ``services.rescore``, ``services.store_signals``,
``public.check_offer``; the ``rescore`` management command.
"""

__all__: list[str] = []
