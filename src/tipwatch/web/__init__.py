"""tipwatch.web: the Django project (accounts & organisations, audit, ads, search, demo).

The engine (``tipwatch.engine``) never imports from here; this package is a thin
caller of the engine that stores, shows and audits what the engine extracts.
"""

__all__: list[str] = []
