"""Handwritten-looking signature scribbles (PNG with transparent background), three styles."""

from __future__ import annotations

import io
import math
import random

from PIL import Image, ImageDraw, ImageFilter

def _loops(draw: ImageDraw.ImageDraw, rng: random.Random, ink, width: int, height: int) -> float:
    x = rng.randint(10, 30)
    base = height * 0.6
    for _ in range(rng.randint(2, 4)):
        pts = []
        seg_len = rng.randint(70, 160)
        amp = rng.uniform(18, 45)
        freq = rng.uniform(0.05, 0.12)
        phase = rng.uniform(0, math.pi)
        slant = rng.uniform(-0.25, 0.05)
        for i in range(seg_len):
            loop = amp * math.sin(freq * i * 2.3 + phase) * (0.6 + 0.4 * math.sin(i * 0.03))
            pts.append((x + i * 1.2 + 10 * math.cos(freq * i * 2.3 + phase), base + loop + slant * i))
        draw.line(pts, fill=ink, width=rng.choice([3, 4, 4, 5]), joint="curve")
        x += seg_len * 1.2 + rng.randint(5, 25)
        if x > width - 60:
            break
    return x


def _chaikin(pts: list[tuple[float, float]], rounds: int = 3) -> list[tuple[float, float]]:
    for _ in range(rounds):
        out = [pts[0]]
        for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
            out += [(0.75 * x0 + 0.25 * x1, 0.75 * y0 + 0.25 * y1), (0.25 * x0 + 0.75 * x1, 0.25 * y0 + 0.75 * y1)]
        pts = out + [pts[-1]]
    return pts


def _capital(draw: ImageDraw.ImageDraw, rng: random.Random, ink, width: int, height: int) -> float:
    """A tall capital stroke (down, loop back up) followed by a smoothed scrawl."""
    x, top, base = rng.randint(15, 35), rng.uniform(5, 20), height * 0.75
    pts = [(x + 25, top), (x + 5, base), (x - 5, base - 15), (x + 15, height * 0.45), (x + 55, height * 0.35),
           (x + 45, height * 0.6), (x + 35, base - 5)]
    x += 60
    for _ in range(rng.randint(8, 14)):
        x += rng.uniform(12, 24)
        pts.append((x, height * 0.6 + rng.uniform(-28, 12)))
    draw.line(_chaikin(pts), fill=ink, width=rng.choice([3, 4]), joint="curve")
    return x


def _scrawl(draw: ImageDraw.ImageDraw, rng: random.Random, ink, width: int, height: int) -> float:
    x, pts = rng.randint(10, 25), []
    for _ in range(rng.randint(12, 22)):
        x += rng.uniform(10, 22)
        pts.append((x, height * 0.55 + rng.uniform(-38, 30)))
    draw.line(_chaikin(pts), fill=ink, width=rng.choice([2, 3, 4]), joint="curve")
    return x


def signature_png(rng: random.Random, width: int = 420, height: int = 120) -> bytes:
    img = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    draw = ImageDraw.Draw(img)
    ink = rng.choice([(15, 25, 90, 255), (10, 10, 10, 255), (20, 40, 120, 255)])
    style = rng.choice([_loops, _loops, _capital, _scrawl])
    x = style(draw, rng, ink, width, height)
    if rng.random() < 0.5:  # an underline flourish
        y = height * 0.6 + rng.uniform(28, 42)
        draw.line([(rng.randint(5, 40), y), (min(width - 10, x), y - rng.uniform(-8, 8))], fill=ink, width=3)
    img = img.filter(ImageFilter.GaussianBlur(0.6))
    buf = io.BytesIO()
    img.save(buf, "PNG", compress_level=3)
    return buf.getvalue()
