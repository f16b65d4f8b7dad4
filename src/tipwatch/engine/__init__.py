"""The tipwatch engine: pure functions from data to data.

The engine never imports Django (a test enforces it), so it runs the same from the CLI,
the web app, a notebook or a Spark job.
"""

from tipwatch.engine.types import Ad, AdError, Entity, Rejected, ad_from_dict, content_hash

__all__ = ["Ad", "AdError", "Entity", "Rejected", "ad_from_dict", "content_hash"]
