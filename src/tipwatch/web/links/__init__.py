"""Links: operations, templates, shared photos and translations, computed by the engine's linker.

Public surface: ``services.relink``, ``images.store_images``, ``graphdata.org_graph``.
"""

__all__: list[str] = []
