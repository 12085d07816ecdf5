"""`annotator report`: coverage, quality of the engine and agreement between reviewers.

:mod:`compute` gathers the numbers as plain data; :mod:`text` (Rich tables) and :mod:`html` (one
self-contained page) render them; the JSON format is the data itself.
"""
