"""Profiles per site (domain) and per entity: volumes, cities, languages and indicator mix over time.

Views only: every figure is computed from the ads app's tables (and assessments when the
``tipwatch.web.assess`` app is installed).
"""

__all__: list[str] = []
