"""Fetch Stanza's official Arabic models, failing fast and plainly on a machine without internet."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from urllib.parse import urlsplit

from annotator.errors import InputError, ModelError
from annotator.nlp.models import resolve_models

OFFICIAL_PROCESSORS = "tokenize,mwt,pos,lemma,depparse"
CONNECT_TIMEOUT_S = 5.0
# stanza.resources.common.STANZA_RESOURCES_GITHUB + "main" (Stanza 1.9-1.15), the default resources_url
STANZA_RESOURCES_GITHUB_MAIN = "https://raw.githubusercontent.com/stanfordnlp/stanza-resources/main"
WHAT_TO_DO = ("copy a Stanza models directory from a machine that has internet (or use ../shared/models/stanza) "
              "and pass --models DIR or set $ANNOTATOR_MODELS")


def default_resources_url() -> str:
    """Stanza's DEFAULT_RESOURCES_URL, read without importing Stanza (and torch): the offline answer stays fast."""
    return os.environ.get("STANZA_RESOURCES_URL", STANZA_RESOURCES_GITHUB_MAIN)


def check_reachable(resources_url: str, timeout: float = CONNECT_TIMEOUT_S) -> None:
    """One short request before the download: Stanza's own requests have no timeout and can hang.

    Any HTTP answer counts as reachable; what the server answers is Stanza's to judge.
    """
    import requests

    try:
        requests.head(resources_url, timeout=timeout, allow_redirects=False)
    except requests.RequestException as exc:
        host = urlsplit(resources_url).netloc or resources_url
        raise ModelError(f"cannot reach {host} to download models ({type(exc).__name__}): {WHAT_TO_DO}") from exc


def _refuse_custom_directory(model_dir: Path) -> None:
    """stanza.download rewrites resources.json: never do that to a custom set (it would stop loading)."""
    if not (model_dir / "resources.json").is_file():
        return
    try:
        spec = resolve_models(model_dir)
    except ModelError:
        return  # not a usable set: nothing to lose
    if spec.kind == "custom":
        raise InputError(f"{model_dir} holds a custom model set; download into another directory (--dir DIR)")


def download_official(model_dir: Path, resources_url: str | None = None) -> Path:
    """stanza.download("ar") of tokenize, mwt, pos, lemma, depparse into ``model_dir``."""
    url = resources_url or default_resources_url()
    _refuse_custom_directory(model_dir)
    check_reachable(url)
    import requests
    import stanza

    model_dir.mkdir(parents=True, exist_ok=True)
    logging.getLogger("stanza").setLevel(logging.INFO)  # Stanza's download progress
    try:
        stanza.download("ar", model_dir=str(model_dir), processors=OFFICIAL_PROCESSORS, resources_url=url)
    except (requests.RequestException, OSError, ValueError) as exc:
        raise ModelError(f"download failed ({type(exc).__name__}: {exc}); {WHAT_TO_DO}") from exc
    return model_dir
