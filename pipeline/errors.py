"""Errors with a stable code, the offending value and how to fix it.

Stages raise ``IntakeError`` for bad input; the packet boundary turns it into a ``Failure``
recorded on the packet (see ``Failure`` in model.py), so one bad file never stops a batch.
"""

from __future__ import annotations

from pipeline.model import Failure


class IntakeError(Exception):
    """A problem with the input or settings, described for the person who can fix it."""

    def __init__(self, code: str, message: str, file: str | None = None):
        super().__init__(f"[{code}] {message}")
        self.code = code
        self.message = message
        self.file = file

    def to_failure(self) -> Failure:
        return Failure(code=self.code, message=self.message, file=self.file)
