"""The page and document labels: exactly the document types of CONTRACT section 2.

The order is the classifier's output order; it is also stored with the weights, and loading
weights trained on another label list is an error.
"""

from __future__ import annotations

from pipeline.model import DOC_TYPES

LABELS: tuple[str, ...] = DOC_TYPES
LABEL_INDEX: dict[str, int] = {label: i for i, label in enumerate(LABELS)}
