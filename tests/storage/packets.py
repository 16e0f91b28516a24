"""Small born-digital packets for storage and flow tests (seeded, a page or two each)."""

from __future__ import annotations

import random
from pathlib import Path

NAMES = ["Jane Doe", "Carlos Rivera", "Mei Chen", "Omar Haddad", "Anna Novak", "Luis Ortega"]


def born_digital_pdf(path: Path, seed: int, pages: int = 1) -> Path:
    """A text-layer PDF: a clinical note with a name, DOB, codes and a signature line."""
    import pymupdf

    rng = random.Random(seed)
    name = rng.choice(NAMES)
    doc = pymupdf.open()
    for n in range(pages):
        page = doc.new_page(width=612, height=792)
        dob = f"0{rng.randint(1, 9)}/1{rng.randint(0, 9)}/19{rng.randint(40, 99)}"
        text = (f"PROGRESS NOTE\n\nPatient: {name}\nDOB: {dob}\n"
                f"Date of service: 11/0{rng.randint(1, 9)}/2026\nMember ID: W{rng.randint(10**8, 10**9 - 1)}\n\n"
                "Assessment: low back pain, M54.50\nPlan: MRI lumbar spine without contrast, CPT 72148\n\n"
                f"Electronically signed: Dr. Robert Hale, MD  NPI 1234567893  (page {n + 1})")
        page.insert_text((72, 90), text, fontsize=11)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    doc.close()
    return path


def corrupt_pdf(path: Path) -> Path:
    """A 'PDF' that is not one: a truncated header and junk (a poison packet)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R" + bytes(range(256)) * 4)
    return path


def folder_packet(root: Path, name: str, seed: int, workflow: str | None = "prior_auth_imaging") -> Path:
    """A folder packet: two PDFs and a manifest."""
    import json

    folder = root / name
    born_digital_pdf(folder / "01-note.pdf", seed)
    born_digital_pdf(folder / "02-note.pdf", seed + 100)
    if workflow:
        (folder / "manifest.json").write_text(json.dumps({"workflow": workflow, "case_id": f"C-{seed}"}))
    return folder
