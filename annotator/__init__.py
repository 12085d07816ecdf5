"""annotator: attribute quotes and claims in Arabic news (who said what, with which cue)."""

__version__ = "0.1.0"
