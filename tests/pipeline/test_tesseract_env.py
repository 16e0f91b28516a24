"""Tesseract, and only Tesseract, runs with OMP_THREAD_LIMIT=1.

Set in the process's own environment the limit would also cap torch's OpenMP threads (the
classifier runs in the same process), so it goes to Tesseract's processes alone. A wrapper records
the environment the real ``tesseract`` was started with, then runs it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytesseract
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.ocr import OcrOptions, ocr_image


def test_limit_reaches_tesseract_but_not_this_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)
    seen = tmp_path / "seen"
    wrapper = tmp_path / "tesseract"
    wrapper.write_text(f'#!/bin/sh\necho "limit=${{OMP_THREAD_LIMIT:-unset}}" >> {seen}\nexec {shutil.which("tesseract")} "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(wrapper))

    image = Image.new("L", (1200, 300), 255)
    ImageDraw.Draw(image).text((40, 100), "Prior authorization request", fill=0,
                               font=ImageFont.load_default(size=48))
    text, _ = ocr_image(np.array(image), 200.0, OcrOptions(check_orientation=False))

    assert "authorization" in " ".join(w.text for w in text.words).lower()
    calls = seen.read_text().split()
    assert calls and set(calls) == {"limit=1"}
    assert "OMP_THREAD_LIMIT" not in os.environ
