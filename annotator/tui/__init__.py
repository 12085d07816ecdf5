"""The review terminal UI (Textual). It talks to the database only through annotator.services.review."""
