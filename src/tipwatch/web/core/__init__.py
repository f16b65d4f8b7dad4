"""Cross-cutting pieces: base templates, CSS/JS, security headers, log redaction, dashboard, demo commands."""

__all__: list[str] = []
