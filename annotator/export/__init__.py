"""Export formats: the project's JSONL records written as citron JSON, brat standoff or a spaCy DocBin.

Every writer takes plain records (see :mod:`annotator.services.records`) and the document text; none of
them knows about the database.
"""
