"""On/off switches read from the environment (ANNOTATOR_FAST_TREE=0, ANNOTATOR_FAST_STANZA=0 …)."""

from __future__ import annotations

import os

OFF_VALUES = ("0", "no", "false", "off")
ON_VALUES = ("1", "yes", "true", "on")


def switched_off(name: str) -> bool:
    """True when the variable is set to 0/no/false/off; unset or anything else leaves the feature on."""
    return os.environ.get(name, "").strip().lower() in OFF_VALUES
