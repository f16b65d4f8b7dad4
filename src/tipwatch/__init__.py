"""tipwatch: shared infrastructure against internet-facilitated human trafficking."""

__version__ = "0.1.0"
