"""Insurance card images (front and back), four designs: band, stripe, classic, minimal."""

from __future__ import annotations

import random
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

W, H = 1012, 638  # 3.375 x 2.125 in at 300 dpi
FONT_DIR = "/usr/share/fonts/truetype"


@lru_cache(maxsize=64)
def font(size: int, bold: bool = False, family: str = "sans") -> ImageFont.FreeTypeFont:
    names = {
        ("sans", False): "liberation/LiberationSans-Regular.ttf", ("sans", True): "liberation/LiberationSans-Bold.ttf",
        ("dejavu", False): "dejavu/DejaVuSans.ttf", ("dejavu", True): "dejavu/DejaVuSans-Bold.ttf",
        ("narrow", False): "liberation/LiberationSansNarrow-Regular.ttf",
        ("narrow", True): "liberation/LiberationSansNarrow-Bold.ttf",
        ("mono", False): "liberation/LiberationMono-Regular.ttf", ("mono", True): "liberation/LiberationMono-Bold.ttf",
    }
    try:
        return ImageFont.truetype(f"{FONT_DIR}/{names[(family, bold)]}", size)
    except OSError:
        return ImageFont.load_default(size)


def _rounded_card(bg: tuple[int, int, int]) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    img = Image.new("RGB", (W, H), (255, 255, 255))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle([0, 0, W - 1, H - 1], radius=36, fill=bg, outline=(170, 170, 170), width=3)
    return img, d


def _lighter(c: tuple[int, int, int], k: float) -> tuple[int, int, int]:
    return tuple(int(v + (255 - v) * k) for v in c)  # type: ignore[return-value]


def _fields(d: ImageDraw.ImageDraw, card: dict, x: int, y: int, fam: str, label_color, value_color, stacked: bool):
    items = [("Member", card["name"]), (card["member_label"], card["member_id"]), (card["group_label"], card["group"])]
    if card.get("dob"):
        items.append(("DOB", card["dob"]))
    if card.get("pcp"):
        items.append(("PCP", card["pcp"]))
    items = [(k, v) for k, v in items if v]
    for k, v in items:
        if stacked:
            d.text((x, y), k.upper(), font=font(22, False, fam), fill=label_color)
            d.text((x, y + 24), v, font=font(36, True, fam), fill=value_color)
            y += 70
        else:
            d.text((x, y), f"{k}:", font=font(28, False, fam), fill=label_color)
            d.text((x + 250, y - 2), v, font=font(32, True, fam), fill=value_color)
            y += 50
    return y


def _copays(d: ImageDraw.ImageDraw, card: dict, x: int, y: int, fam: str, color) -> None:
    d.rectangle([x - 10, y - 10, x + 290, y + 30 + 34 * len(card["copays"])], outline=color, width=2)
    d.text((x, y), "Copays", font=font(24, True, fam), fill=color)
    for i, (k, v) in enumerate(card["copays"]):
        d.text((x, y + 34 * (i + 1)), f"{k}", font=font(24, False, fam), fill=(40, 40, 40))
        d.text((x + 200, y + 34 * (i + 1)), v, font=font(24, True, fam), fill=(40, 40, 40))


def front(card: dict, family: str, rng: random.Random) -> Image.Image:
    color = tuple(card["color"])
    fam = rng.choice(["sans", "dejavu", "narrow"])
    if family == "band":
        img, d = _rounded_card((255, 255, 255))
        d.rounded_rectangle([0, 0, W - 1, 150], radius=36, fill=color)
        d.rectangle([0, 110, W - 1, 150], fill=color)
        d.text((40, 30), card["payer"], font=font(46, True, fam), fill=(255, 255, 255))
        d.text((40, 92), card["plan"], font=font(28, False, fam), fill=(235, 235, 235))
        _fields(d, card, 40, 190, fam, (90, 90, 90), (10, 10, 10), stacked=True)
        _copays(d, card, 690, 200, fam, color)
    elif family == "stripe":
        img, d = _rounded_card(_lighter(color, 0.9))
        d.rectangle([0, 40, 60, H - 40], fill=color)
        d.ellipse([90, 30, 170, 110], fill=color)
        d.text((110, 48), card["short"][:1], font=font(48, True, fam), fill=(255, 255, 255))
        d.text((190, 40), card["short"], font=font(48, True, fam), fill=color)
        d.text((190, 96), card["plan"], font=font(26, False, fam), fill=(60, 60, 60))
        _fields(d, card, 100, 170, fam, (70, 70, 70), (0, 0, 0), stacked=False)
        d.text((100, H - 80), f"Effective {card['effective']}", font=font(24, False, fam), fill=(60, 60, 60))
    elif family == "classic":
        img, d = _rounded_card((250, 250, 246))
        d.rectangle([30, 30, W - 30, 100], fill=(255, 255, 255), outline=color, width=3)
        d.text((50, 42), card["payer"].upper(), font=font(40, True, fam), fill=color)
        d.text((40, 120), "HEALTH INSURANCE", font=font(28, True, fam), fill=(120, 20, 20))
        _fields(d, card, 40, 175, fam, (60, 60, 60), (0, 0, 0), stacked=False)
        d.text((40, H - 110), card["plan"], font=font(28, True, fam), fill=color)
        d.line([40, H - 60, W - 40, H - 60], fill=color, width=4)
    else:  # minimal
        img, d = _rounded_card((255, 255, 255))
        d.text((40, 36), card["payer"], font=font(40, True, fam), fill=color)
        d.text((W - 330, 44), card["plan"], font=font(26, False, fam), fill=(90, 90, 90))
        d.line([40, 100, W - 40, 100], fill=_lighter(color, 0.4), width=2)
        _fields(d, card, 40, 130, fam, (120, 120, 120), (20, 20, 20), stacked=True)
        for i, (k, v) in enumerate(card["rx"]):
            d.text((700, 150 + 40 * i), f"{k} {v}", font=font(26, False, "mono"), fill=(40, 40, 40))
    return img


def back(card: dict, family: str, rng: random.Random) -> Image.Image:
    color = tuple(card["color"])
    fam = rng.choice(["sans", "dejavu", "narrow"])
    img, d = _rounded_card((255, 255, 255) if family != "stripe" else _lighter(color, 0.92))
    if family in ("band", "classic"):
        d.rectangle([0, 60, W - 1, 130], fill=(30, 30, 30))  # magnetic stripe look
        y = 160
    else:
        y = 50
    lines = [
        f"Member Services: {card['phone']}",
        f"Providers: submit claims to {card['address']}",
        "Prior authorization required for advanced imaging and infusion services.",
        "Emergency: call 911 or go to the nearest emergency room.",
        "This card does not guarantee coverage.",
    ]
    for line in lines:
        d.text((40, y), line, font=font(26, False, fam), fill=(30, 30, 30))
        y += 42
    for i, (k, v) in enumerate(card["rx"]):
        d.text((40 + 300 * i, y + 20), f"{k}: {v}", font=font(26, True, "mono"), fill=(30, 30, 30))
    d.text((40, H - 60), card["payer"], font=font(24, True, fam), fill=color)
    return img
