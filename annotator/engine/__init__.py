"""The attribution engine: rules over parsed sentences, merging, and speaker resolution.

It knows nothing of the database or the user interface: give it a
:class:`~annotator.nlp.types.ParsedDocument` and a :class:`SpeakerRegistry`, get proposals back.
"""

from annotator.engine.proposal import Proposal, Span
from annotator.engine.runner import DocumentResult, propose
from annotator.engine.speakers import SpeakerEntry, SpeakerRegistry

# Bump when rules change so that `annotator propose --rerun` knows which documents are stale.
ENGINE_VERSION = "0.1"

__all__ = ["ENGINE_VERSION", "DocumentResult", "Proposal", "Span", "SpeakerEntry", "SpeakerRegistry", "propose"]
