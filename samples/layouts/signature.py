"""Handwritten-looking signature scribbles (PNG with transparent background)."""

from __future__ import annotations

import io
import math
import random

from PIL import Image, ImageDraw, ImageFilter


def signature_png(rng: random.Random, width: int = 420, height: int = 120) -> bytes:
    img = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    draw = ImageDraw.Draw(img)
    ink = rng.choice([(15, 25, 90, 255), (10, 10, 10, 255), (20, 40, 120, 255)])
    x = rng.randint(10, 30)
    base = height * 0.6
    strokes = rng.randint(2, 4)
    for s in range(strokes):
        pts = []
        seg_len = rng.randint(70, 160)
        amp = rng.uniform(18, 45)
        freq = rng.uniform(0.05, 0.12)
        phase = rng.uniform(0, math.pi)
        slant = rng.uniform(-0.25, 0.05)
        for i in range(seg_len):
            loop = amp * math.sin(freq * i * 2.3 + phase) * (0.6 + 0.4 * math.sin(i * 0.03))
            xx = x + i * 1.2 + 10 * math.cos(freq * i * 2.3 + phase)
            yy = base + loop + slant * i
            pts.append((xx, yy))
        width_px = rng.choice([3, 4, 4, 5])
        draw.line(pts, fill=ink, width=width_px, joint="curve")
        x += seg_len * 1.2 + rng.randint(5, 25)
        if x > width - 60:
            break
    # an underline flourish
    if rng.random() < 0.6:
        y = base + rng.uniform(30, 45)
        draw.line([(rng.randint(5, 40), y), (min(width - 10, x), y - rng.uniform(-8, 8))], fill=ink, width=3)
    img = img.filter(ImageFilter.GaussianBlur(0.6))
    buf = io.BytesIO()
    img.save(buf, "PNG", compress_level=3)
    return buf.getvalue()
