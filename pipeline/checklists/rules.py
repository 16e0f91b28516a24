"""The checklist rule language: what one YAML checklist file may say (see README.md here).

Each class is one construct of the language. ``extra="forbid"`` everywhere, so a misspelt key
is an error naming the file and line, never a silently ignored rule.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field as PydField, field_validator, model_validator

from pipeline.checklists.labels import doc_label
from pipeline.model import FIELD_NAMES, DocType, Model

FieldName = Literal[FIELD_NAMES]  # type: ignore[valid-type]

_CODE_RANGE = re.compile(r"^([A-Z]?)(\d{4,5})(?:-([A-Z]?)(\d{4,5}))?$")
_CODE = re.compile(r"^([A-Z]?)(\d{4,5})$")


class CodeRange(Model):
    """An inclusive range of CPT or HCPCS level II codes, written ``70010-79999`` or ``J0000-J9999``."""

    prefix: str
    low: int
    high: int
    digits: int

    @classmethod
    def parse(cls, text: str) -> "CodeRange":
        match = _CODE_RANGE.match(text.strip().upper())
        if not match:
            raise ValueError(f"{text!r} is not a code range; write e.g. '70010-79999' or 'J0000-J9999'")
        prefix, low, prefix2, high = match.groups()
        high = high or low
        if (prefix2 or prefix) != prefix or len(high) != len(low):
            raise ValueError(f"{text!r}: both ends of a code range need the same letter and length")
        if int(high) < int(low):
            raise ValueError(f"{text!r}: the range ends before it starts")
        return cls(prefix=prefix, low=int(low), high=int(high), digits=len(low))

    def contains(self, code: str) -> bool:
        match = _CODE.match(str(code).strip().upper())
        if not match:
            return False
        prefix, digits = match.groups()
        return prefix == self.prefix and len(digits) == self.digits and self.low <= int(digits) <= self.high

    def __str__(self) -> str:
        width = self.digits
        return f"{self.prefix}{self.low:0{width}d}-{self.prefix}{self.high:0{width}d}"


class DocumentSpec(Model):
    """One kind of document that satisfies a requirement, with the conditions it must meet."""

    type: DocType = PydField(description="Document type (CONTRACT section 2)")
    signed: bool = PydField(False, description="signature_present must be true")
    within_days: int | None = PydField(
        None, ge=0, description="document_date at most this many days before the reference date")
    fields_present: list[FieldName] = PydField([], description="Fields the document must carry")
    fields_equal: dict[FieldName, str] = PydField(
        {}, description="Fields that must hold this value (case-insensitive), e.g. determination: denied")


class DocumentRequirement(Model):
    """A required document: one type (``document``) or alternatives (``any_of``, first is named when missing).

    ``signed``, ``within_days``, ``fields_present`` and ``fields_equal`` given here apply to every
    alternative; an alternative written as a mapping may add its own.
    """

    label: str | None = PydField(None, description="How the requirement is named in problems")
    document: DocType | None = None
    any_of: list[DocType | DocumentSpec] | None = PydField(None, min_length=1)
    signed: bool = False
    within_days: int | None = PydField(None, ge=0)
    fields_present: list[FieldName] = []
    fields_equal: dict[FieldName, str] = {}

    @model_validator(mode="after")
    def _one_form(self) -> "DocumentRequirement":
        if (self.document is None) == (self.any_of is None):
            raise ValueError("a requirement needs exactly one of 'document: TYPE' or 'any_of: [TYPE, ...]'")
        return self

    def alternatives(self) -> list[DocumentSpec]:
        """The acceptable documents, requirement-level conditions merged into each."""
        items = [self.document] if self.document is not None else list(self.any_of or [])
        specs = []
        for item in items:
            spec = DocumentSpec(type=item) if isinstance(item, str) else item
            specs.append(DocumentSpec(
                type=spec.type,
                signed=spec.signed or self.signed,
                within_days=_tighter(spec.within_days, self.within_days),
                fields_present=list(dict.fromkeys([*self.fields_present, *spec.fields_present])),
                fields_equal={**self.fields_equal, **spec.fields_equal},
            ))
        return specs

    def name(self) -> str:
        """The requirement in words, e.g. "Prior authorization request or Referral / order, signed"."""
        if self.label:
            return self.label
        specs = self.alternatives()
        text = " or ".join(doc_label(s.type) for s in specs)
        first = specs[0]
        if first.signed and all(s.signed for s in specs):
            text += ", signed"
        if first.within_days is not None:
            text += f", dated within {first.within_days} days"
        if first.fields_equal:
            text += ", with " + ", ".join(f"{k} {v}" for k, v in first.fields_equal.items())
        extra = [f for f in first.fields_present if f not in first.fields_equal]
        if extra:
            text += (" and " if first.fields_equal else ", with ") + ", ".join(extra)
        return text


class FieldRequirement(Model):
    """A packet-level field some document must carry (and, with ``valid: true``, carry validly)."""

    field: FieldName
    valid: bool = PydField(False, description="At least one occurrence must pass validation")
    min_items: int = PydField(1, ge=1, description="For list fields (codes): how many values at least")
    in_documents: list[DocType] | None = PydField(
        None, description="Only these document types count; default: any document")


class Condition(Model):
    """One ``applies_when`` test; exactly one key. All conditions of a checklist must hold."""

    any_code_in: list[str] | None = PydField(
        None, description="Some document carries a CPT/HCPCS code in one of these ranges")
    has_document: DocType | DocumentSpec | None = PydField(
        None, description="A document of this type (with these field values) is present")
    no_document: DocType | None = PydField(None, description="No document of this type is present")
    only_documents: list[DocType] | None = PydField(
        None, description="Every document (fax cover sheets aside) is of one of these types")

    @field_validator("any_code_in")
    @classmethod
    def _ranges(cls, value: list[str] | None) -> list[str] | None:
        for text in value or []:
            CodeRange.parse(text)
        return value

    @model_validator(mode="after")
    def _one_key(self) -> "Condition":
        keys = [k for k in type(self).model_fields if getattr(self, k) is not None]
        if len(keys) != 1:
            raise ValueError("each applies_when entry needs exactly one of "
                             "any_code_in, has_document, no_document, only_documents")
        return self

    def code_ranges(self) -> list[CodeRange]:
        return [CodeRange.parse(t) for t in self.any_code_in or []]


class Checklist(Model):
    """One versioned checklist, as written in its YAML file."""

    id: str = PydField(pattern=r"^[a-z][a-z0-9_]*$", description="Stable id, e.g. prior_auth_imaging")
    version: str = PydField(description="Version of this rule set, quoted, e.g. \"1.0\"")
    description: str
    infer_order: int = PydField(
        100, description="When several checklists' applies_when hold, the lowest order wins")
    applies_when: list[Condition] = PydField(
        [], description="All must hold for the checklist to be inferred; empty: never inferred")
    requires: list[DocumentRequirement] = []
    fields: list[FieldRequirement] = []
    same_patient: bool = PydField(True, description="All documents must belong to one patient")

    @field_validator("version", mode="before")
    @classmethod
    def _version_is_text(cls, value: object) -> object:
        if not isinstance(value, str):
            raise ValueError(f"version must be a quoted string, e.g. version: \"{value}\"")
        return value


def _tighter(a: int | None, b: int | None) -> int | None:
    values = [v for v in (a, b) if v is not None]
    return min(values) if values else None


__all__ = ["Checklist", "CodeRange", "Condition", "DocumentRequirement", "DocumentSpec",
           "FieldRequirement"]
