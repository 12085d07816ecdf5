"""Parsing: plain data types for parsed sentences, CoNLL-U reading, and the Stanza pipeline.

Nothing here knows about the database or the user interface.
"""

from annotator.nlp.types import ParsedDocument, Sentence, Word

__all__ = ["ParsedDocument", "Sentence", "Word"]
