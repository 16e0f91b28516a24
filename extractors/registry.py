"""Extractors registered under versioned names (spaCy style: a published name never changes).

An extractor is ``fn(view: DocView) -> dict[str, Field]``. ``register("clinical_note.v1",
types=["clinical_note"])`` registers it by name and makes it the default for those document
types; a new document type is a new module calling ``register``.
"""

from __future__ import annotations

from collections.abc import Callable

from extractors.view import DocView
from pipeline.errors import IntakeError
from pipeline.model import Field

Extractor = Callable[[DocView], dict[str, Field]]

EXTRACTORS: dict[str, Extractor] = {}
DEFAULT_FOR_TYPE: dict[str, str] = {}


def register(name: str, types: list[str]) -> Callable[[Extractor], Extractor]:
    """Decorator: register ``fn`` as ``name`` (e.g. ``"clinical_note.v1"``) for ``types``."""

    def wrap(fn: Extractor) -> Extractor:
        if name in EXTRACTORS and EXTRACTORS[name] is not fn:
            raise IntakeError("E_EXTRACTOR_NAME", f"extractor name {name!r} is already registered; "
                                                  "publish a new version (e.g. .v2) instead of reusing a name")
        EXTRACTORS[name] = fn
        for t in types:
            DEFAULT_FOR_TYPE[t] = name
        return fn

    return wrap


def get_extractor(name: str) -> Extractor:
    if name not in EXTRACTORS:
        raise IntakeError("E_EXTRACTOR_UNKNOWN", f"no extractor named {name!r}; known: {sorted(EXTRACTORS)}")
    return EXTRACTORS[name]
