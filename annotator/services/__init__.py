"""The service layer: what the CLI and the review UI do to the database, as plain functions.

It joins the pure parts (ingest readers, NLP pipeline, engine) with storage; neither the CLI nor
the TUI touches SQL directly.
"""
