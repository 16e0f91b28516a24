"""Field extraction: one extractor per document family, registered under versioned names.

``extract_document(document, pages)`` picks the extractor registered for the document's type
(``registry.DEFAULT_FOR_TYPE``), runs it over a read-only view of the document's pages and
returns CONTRACT section 3 fields with evidence. It never raises for odd page content: a
failing extractor yields no fields for that document (and logs its error code, never text).
"""

from __future__ import annotations

import logging

from pydantic import Field as PydField

from extractors import card, eob, fax, forms, letters, notes, rx  # noqa: F401  (they register themselves)
from extractors.patterns import PATTERNS_VERSION
from extractors.registry import DEFAULT_FOR_TYPE, EXTRACTORS, get_extractor, register
from extractors.view import DocView
from pipeline.model import Document, Field, Model, Page

log = logging.getLogger(__name__)

__all__ = ["extract_document", "ExtractOptions", "EXTRACTORS", "DEFAULT_FOR_TYPE", "PATTERNS_VERSION", "register",
           "get_extractor", "versions"]


class ExtractOptions(Model):
    """Which extractor reads which document type."""

    overrides: dict[str, str] = PydField(
        {}, description="document type -> registered extractor name, e.g. {'clinical_note': 'clinical_note.v1'}")


def versions(options: ExtractOptions | None = None) -> dict[str, str]:
    """What extraction ran, for an audit record: the label/shape pattern set and, per document
    type, the registered extractor name (e.g. ``{"patterns": "patterns.v2", "clinical_note": "clinical_note.v1"}``)."""
    overrides = options.overrides if options is not None else {}
    return {"patterns": PATTERNS_VERSION} | {t: overrides.get(t, name) for t, name in sorted(DEFAULT_FOR_TYPE.items())}


def extract_document(document: Document, pages: list[Page], options: ExtractOptions = ExtractOptions()) -> dict[str, Field]:
    """Fields the document prints, normalised and validated, each with its evidence."""
    name = options.overrides.get(document.type) or DEFAULT_FOR_TYPE.get(document.type) or DEFAULT_FOR_TYPE["other"]
    extractor = get_extractor(name)
    view = DocView(document, pages)
    if not view.pages:
        return {}
    try:
        fields = extractor(view)
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:  # a bug on odd content
        log.warning("extractor %s failed on %s: %s", name, document.doc_id, type(exc).__name__)
        return {}
    return {k: v for k, v in fields.items() if v is not None}
