"""HTML for each layout family (rendered with pymupdf ``insert_htmlbox``)."""

from __future__ import annotations

import html
import random
from typing import Callable

from samples.documents import KV, DocContent, Signature
from samples.layouts.signature import signature_png


def e(text: object) -> str:
    return html.escape(str(text))


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#%02x%02x%02x" % rgb


FONTS = ["sans-serif", "serif", "sans-serif", "sans-serif"]


class Ctx:
    """Per-document render settings shared by the helpers."""

    def __init__(self, doc: DocContent, rng: random.Random, images: dict[str, bytes]):
        self.doc, self.rng, self.images = doc, rng, images
        self.font = rng.choice(FONTS)
        self.size = rng.choice([9, 9.5, 10, 10.5])
        self.color = _hex(doc.accent) if doc.accent != (0, 0, 0) else rng.choice(["#1f3a5f", "#2b5d34", "#5a1e1e", "#000000", "#30305a"])
        self.check_style = rng.choice(["brackets", "box", "letters"])

    def body_style(self) -> str:
        return f"font-family:{self.font};font-size:{self.size}pt;color:#111;"


# --------------------------------------------------------------------------- shared pieces


def letterhead(c: Ctx, align: str = "left") -> str:
    d = c.doc
    lines = "".join(f"<div style='font-size:{c.size - 1}pt;color:#333'>{e(x)}</div>" for x in d.org_lines)
    rule = f"<hr style='border:0;border-top:2px solid {c.color};margin:4pt 0 8pt 0'/>" if c.rng.random() < 0.7 else ""
    return (f"<div style='text-align:{align}'><div style='font-size:{c.size + 6}pt;font-weight:bold;color:{c.color}'>"
            f"{e(d.org)}</div>{lines}</div>{rule}")


def title(c: Ctx, boxed: bool = False) -> str:
    t = e(c.doc.title)
    if boxed:
        return (f"<div style='background-color:{c.color};color:white;font-weight:bold;font-size:{c.size + 3}pt;"
                f"padding:3pt 6pt;margin:6pt 0'>{t.upper()}</div>")
    return f"<h2 style='font-size:{c.size + 5}pt;margin:6pt 0 6pt 0;text-align:center'>{t}</h2>"


def checkboxes(c: Ctx) -> str:
    if not c.doc.checkboxes:
        return ""
    parts = []
    for label, on in c.doc.checkboxes:
        if c.check_style == "brackets":
            mark = "[X]" if on else "[&nbsp;&nbsp;]"
        elif c.check_style == "box":
            mark = "_X_" if on else "___"
        else:
            mark = "(X)" if on else "(&nbsp;&nbsp;)"
        parts.append(f"{mark}&nbsp;{e(label)}")
    return f"<p style='margin:6pt 0'>{'&nbsp;&nbsp;&nbsp;&nbsp;'.join(parts)}</p>"


def signature(c: Ctx, sig: Signature | None) -> str:
    if sig is None:
        return ""
    if sig.kind == "electronic":
        when = f" on {e(sig.date_text)}" if sig.date_text else ""
        if sig.label == "Sincerely" and not sig.date_text:
            return f"<p style='margin-top:10pt'>Sincerely,<br/><br/>{e(sig.signer)}</p>"
        if sig.label == "Sincerely":
            return (f"<p style='margin-top:10pt'>Sincerely,</p><p style='font-style:italic'>Electronically signed by "
                    f"{e(sig.signer)}{when}</p>")
        return (f"<p style='margin-top:10pt;font-style:italic'>Electronically signed by {e(sig.signer)}{when}</p>")
    if sig.kind == "ink":
        name = f"sig{len(c.images)}.png"
        c.images[name] = signature_png(c.rng)
        img = f"<img src='{name}' style='width:{c.rng.randint(110, 160)}pt;height:auto'/>"
    else:
        img = "<div style='height:28pt'>&nbsp;</div>"
    date = f"Date: {e(sig.date_text)}" if sig.date_text else "Date: ____________"
    lead = "Sincerely,<br/>" if sig.label == "Sincerely" else ""
    label = "" if sig.label == "Sincerely" else e(sig.label)
    return (f"<div style='margin-top:12pt'>{lead}{img}<div style='border-top:1px solid #000;width:220pt'>&nbsp;</div>"
            f"<div>{e(sig.signer)}{'<br/>' + label if label else ''}</div><div>{date}</div></div>")


def table_html(c: Ctx, table: tuple[list[str], list[list[str]]] | None, zebra: bool = False) -> str:
    if not table:
        return ""
    head, rows = table
    th = "".join(f"<th style='border:1px solid #444;padding:2pt 4pt;text-align:left;background-color:#e6e6e6'>{e(h)}</th>"
                 for h in head)
    body = []
    for i, r in enumerate(rows):
        bg = "background-color:#f3f3f3;" if zebra and i % 2 else ""
        body.append("<tr>" + "".join(f"<td style='border:1px solid #444;padding:2pt 4pt;{bg}'>{e(x)}</td>" for x in r)
                    + "</tr>")
    return (f"<table style='border-collapse:collapse;width:100%;margin:6pt 0;font-size:{c.size - 0.5}pt'>"
            f"<tr>{th}</tr>{''.join(body)}</table>")


def sections_html(c: Ctx, sections: list[tuple[str, str]], heading_style: str = "bold") -> str:
    out = []
    for head, text in sections:
        if not text:
            continue
        if not head:
            out.append(f"<p style='margin:4pt 0 6pt 0;text-align:justify'>{e(text)}</p>")
        elif heading_style == "inline":
            out.append(f"<p style='margin:3pt 0'><b>{e(head).upper()}:</b> {e(text)}</p>")
        elif heading_style == "underline":
            out.append(f"<p style='margin:6pt 0 1pt 0'><u><b>{e(head)}</b></u></p><p style='margin:0 0 4pt 0'>{e(text)}</p>")
        else:
            out.append(f"<p style='margin:6pt 0 1pt 0;font-weight:bold;color:{c.color}'>{e(head)}</p>"
                       f"<p style='margin:0 0 4pt 0'>{e(text)}</p>")
    return "".join(out)


def footer(c: Ctx, page: int, n: int) -> str:
    parts = []
    if c.doc.footer and page == n:
        parts.append(f"<p style='font-size:{c.size - 2}pt;border:1px solid #000;padding:3pt;margin-top:10pt'>"
                     f"{e(c.doc.footer)}</p>")
    if n > 1:
        parts.append(f"<p style='text-align:center;font-size:{c.size - 1}pt;margin-top:8pt'>Page {page} of {n}</p>")
    return "".join(parts)


def continuation_header(c: Ctx) -> str:
    """Patient line repeated at the top of pages 2..n (same printed values as page 1)."""
    kv = {k.field: k for k in c.doc.kvs if k.field in ("patient_name", "patient_dob")}
    bits = [f"{e(k.label)}: {e(k.value)}" for k in kv.values()]
    return (f"<div style='font-size:{c.size - 1}pt;border-bottom:1px solid #888;margin-bottom:6pt'>{e(c.doc.org)} - "
            f"{e(c.doc.title)} (continued)<br/>{'&nbsp;&nbsp;&nbsp;'.join(bits)}</div>")


def split_sections(sections: list[tuple[str, str]], n: int) -> list[list[tuple[str, str]]]:
    if n <= 1:
        return [sections]
    size = -(-len(sections) // n)
    chunks = [sections[i * size:(i + 1) * size] for i in range(n)]
    return [ch for ch in chunks if ch] or [sections]


def kv_rows(kvs: list[KV]) -> list[list[KV]]:
    """Groups of values, split at "Section" markers."""
    groups: list[list[KV]] = [[]]
    for kv in kvs:
        if kv.label == "Section":
            groups.append([kv])
        else:
            groups[-1].append(kv)
    return [g for g in groups if g]


def paged(c: Ctx, first: str, block: str, page_body: Callable[[list[tuple[str, str]]], str], tail: str) -> list[str]:
    """Lay out: first-page header + kv block, sections spread over n pages, tail on the last page."""
    chunks = split_sections(c.doc.sections, c.doc.n_pages)
    n = len(chunks)
    pages = []
    for i, ch in enumerate(chunks, start=1):
        head = first + block if i == 1 else continuation_header(c)
        end = tail if i == n else ""
        pages.append(f"<div style='{c.body_style()}'>{head}{page_body(ch)}{end}{footer(c, i, n)}</div>")
    return pages


# --------------------------------------------------------------------------- form families


def fam_kv(c: Ctx) -> list[str]:
    lines = []
    for group in kv_rows(c.doc.kvs):
        for kv in group:
            if kv.label == "Section":
                lines.append(f"<p style='margin:8pt 0 2pt 0;font-weight:bold;border-bottom:1px solid #000'>{e(kv.value)}</p>")
            else:
                lines.append(f"<div style='margin:1pt 0'><b>{e(kv.label)}:</b> {e(kv.value)}</div>")
    block = "".join(lines)
    tail = table_html(c, c.doc.table) + checkboxes(c) + signature(c, c.doc.signature)
    return paged(c, letterhead(c) + title(c), block, lambda s: sections_html(c, s, "bold"), tail)


def fam_boxed(c: Ctx) -> list[str]:
    cols = c.rng.choice([2, 3])
    out = []
    for group in kv_rows(c.doc.kvs):
        cells = [kv for kv in group if kv.label != "Section"]
        sec = [kv for kv in group if kv.label == "Section"]
        if sec:
            out.append(f"<div style='background-color:#d9d9d9;font-weight:bold;padding:2pt 4pt;margin-top:6pt;"
                       f"border:1px solid #000'>{e(sec[0].value)}</div>")
        rows = [cells[i:i + cols] for i in range(0, len(cells), cols)]
        trs = []
        for r in rows:
            tds = "".join(f"<td style='border:1px solid #000;padding:1pt 4pt;vertical-align:top;width:{100 // cols}%'>"
                          f"<div style='font-size:{c.size - 2.5}pt;color:#333'>{e(kv.label).upper()}</div>"
                          f"<div style='font-size:{c.size + 0.5}pt'>{e(kv.value)}</div></td>" for kv in r)
            trs.append(f"<tr>{tds}</tr>")
        if trs:
            out.append(f"<table style='border-collapse:collapse;width:100%'>{''.join(trs)}</table>")
    head = (f"<table style='width:100%'><tr><td style='vertical-align:top;width:55%'><b style='font-size:{c.size + 4}pt;color:{c.color}'>"
            f"{e(c.doc.org)}</b><br/>{'<br/>'.join(e(x) for x in c.doc.org_lines)}</td>"
            f"<td style='text-align:right;vertical-align:top;width:45%;font-size:{c.size + 4}pt;font-weight:bold'>"
            f"{e(c.doc.title).upper()}</td></tr></table>")
    def body(sections: list[tuple[str, str]]) -> str:
        rows = "".join(f"<tr><td style='border:1px solid #000;padding:2pt 4pt'><div style='font-size:{c.size - 2.5}pt'>"
                       f"{e(h).upper()}</div>{e(t)}</td></tr>" for h, t in sections if t)
        return f"<table style='border-collapse:collapse;width:100%;margin-top:6pt'>{rows}</table>" if rows else ""
    tail = table_html(c, c.doc.table) + checkboxes(c) + signature(c, c.doc.signature)
    return paged(c, head, "".join(out), body, tail)


def fam_twocol(c: Ctx) -> list[str]:
    cells = [kv for kv in c.doc.kvs if kv.label != "Section"]
    rows = []
    for i in range(0, len(cells), 2):
        pair = cells[i:i + 2]
        tds = "".join(f"<td style='padding:2pt 4pt;width:18%;font-weight:bold;vertical-align:top'>{e(kv.label)}</td>"
                      f"<td style='padding:2pt 4pt;width:32%;vertical-align:top;border-bottom:1px solid #999'>{e(kv.value)}</td>"
                      for kv in pair)
        rows.append(f"<tr>{tds}</tr>")
    block = f"<table style='width:100%;border-collapse:collapse;margin:6pt 0'>{''.join(rows)}</table>"
    head = letterhead(c, "center") + title(c, boxed=True)
    tail = table_html(c, c.doc.table, zebra=True) + checkboxes(c) + signature(c, c.doc.signature)
    return paged(c, head, block, lambda s: sections_html(c, s, "underline"), tail)


def fam_grid(c: Ctx) -> list[str]:
    """Everything in one ruled table: label column, value column (a printed form)."""
    rows = []
    for kv in c.doc.kvs:
        if kv.label == "Section":
            rows.append(f"<tr><td colspan='2' style='border:1px solid #000;background-color:#eeeeee;font-weight:bold;"
                        f"padding:2pt 4pt'>{e(kv.value)}</td></tr>")
        else:
            rows.append(f"<tr><td style='border:1px solid #000;padding:2pt 4pt;width:35%'>{e(kv.label)}</td>"
                        f"<td style='border:1px solid #000;padding:2pt 4pt;width:65%'>{e(kv.value)}</td></tr>")
    block = f"<table style='width:100%;border-collapse:collapse;margin:4pt 0'>{''.join(rows)}</table>"
    head = (f"<div style='font-size:{c.size + 2}pt;font-weight:bold'>{e(c.doc.org)}</div>"
            f"<div style='font-size:{c.size - 1}pt'>{' | '.join(e(x) for x in c.doc.org_lines)}</div>"
            f"<div style='font-size:{c.size + 4}pt;font-weight:bold;margin:8pt 0;border-top:3px solid #000;"
            f"border-bottom:1px solid #000;padding:2pt 0'>{e(c.doc.title).upper()}</div>")
    tail = table_html(c, c.doc.table) + checkboxes(c) + signature(c, c.doc.signature)
    return paged(c, head, block, lambda s: sections_html(c, s, "inline"), tail)


def _sentence(kv: KV, rng: random.Random) -> str:
    f, l, v = kv.field, e(kv.label), f"<b>{e(kv.value)}</b>"
    templates = {
        "patient_name": [f"This concerns the patient {v}.", f"Patient {v} is the subject of this form.", f"Patient name: {v}."],
        "patient_dob": [f"The patient's date of birth is {v}.", f"Born {v}."],
        "member_id": [f"Coverage is under member ID {v}.", f"The {l} on file is {v}."],
        "ordering_provider_name": [f"The {l.lower()} is {v}.", f"{l}: {v}."],
        "ordering_provider_npi": [f"{l} {v}.", f"The provider's {l} is {v}."],
        "service_date": [f"{l}: {v}.", f"The service is planned for {v} ({l.lower()})."],
        "document_date": [f"{l}: {v}.", f"Completed on {v}."],
    }
    opts = templates.get(f or "", [f"{l}: {v}."])
    return rng.choice(opts)


def fam_prose(c: Ctx) -> list[str]:
    """Narrative: labelled values written as sentences (codes and dates inside sentences)."""
    sentences = [_sentence(kv, c.rng) for kv in c.doc.kvs if kv.label != "Section"]
    paras = [" ".join(sentences[i:i + 4]) for i in range(0, len(sentences), 4)]
    block = "".join(f"<p style='margin:4pt 0;text-align:justify'>{p}</p>" for p in paras)
    if c.doc.table:
        head, rows = c.doc.table
        if c.doc.type in ("lab_result", "remittance_eob"):
            tbl = table_html(c, c.doc.table)
        else:
            items = "; ".join(" ".join(x for x in r if x) for r in rows)
            tbl = f"<p style='margin:4pt 0'>Codes and details: {e(items)}.</p>"
    else:
        tbl = ""
    tail = tbl + checkboxes(c) + signature(c, c.doc.signature)
    return paged(c, letterhead(c) + title(c), block, lambda s: sections_html(c, s, "inline"), tail)


def _pre_table(table: tuple[list[str], list[list[str]]] | None) -> str:
    """A table printed as fixed-width text columns (EHR / lab system printouts)."""
    if not table:
        return ""
    head, rows = table
    widths = [max(len(str(x)) for x in [h] + [r[i] for r in rows]) for i, h in enumerate(head)]
    def line(cells: list[str]) -> str:
        return "  ".join(str(x).ljust(w) for x, w in zip(cells, widths)).rstrip()
    text = "\n".join([line(head), "  ".join("-" * w for w in widths)] + [line(r) for r in rows])
    return f"<pre style='font-family:monospace;font-size:8.5pt;margin:6pt 0'>{e(text)}</pre>"


def fam_ehr(c: Ctx) -> list[str]:
    """A monospace EHR printout: banner line, ==== HEADINGS ====, fixed-width tables."""
    c.font = "monospace"
    c.size = c.rng.choice([8.5, 9])
    cells = [kv for kv in c.doc.kvs if kv.label != "Section"]
    banner = " | ".join(f"{e(kv.label).upper()}: {e(kv.value)}" for kv in cells)
    when = c.rng.choice(["Printed", "Run date", "Report generated"])
    head = (f"<div style='font-size:{c.size}pt'>{e(c.doc.org).upper()}<br/>{e(c.doc.title).upper()}</div>"
            f"<div style='border-top:1px dashed #000;border-bottom:1px dashed #000;padding:2pt 0;margin:4pt 0'>"
            f"{banner}</div>")
    def body(sections: list[tuple[str, str]]) -> str:
        return "".join(f"<p style='margin:6pt 0 0 0'>==== {e(h).upper()} ====</p><p style='margin:0'>{e(t)}</p>"
                       if h else f"<p>{e(t)}</p>" for h, t in sections if t)
    tail = _pre_table(c.doc.table) + checkboxes(c) + signature(c, c.doc.signature)
    tail += f"<p style='font-size:7pt;margin-top:8pt'>{when} by EHR user {c.rng.randint(1000, 9999)}</p>"
    return paged(c, head, "", body, tail)


# --------------------------------------------------------------------------- letter families


def _letter_body(c: Ctx, sections: list[tuple[str, str]]) -> str:
    return sections_html(c, sections, "bold")


def _ref_lines(c: Ctx, kvs: list[KV]) -> str:
    return "".join(f"<div><b>{e(kv.label)}:</b> {e(kv.value)}</div>" for kv in kvs)


def fam_letterhead(c: Ctx) -> list[str]:
    kvs = c.doc.kvs
    date = [k for k in kvs if k.label == "Date"]
    rest = [k for k in kvs if k.label != "Date"]
    block = (f"<p>{e(date[0].value) if date else ''}</p>" + f"<div style='margin:6pt 0'>{_ref_lines(c, rest)}</div>"
             + f"<p style='font-weight:bold;text-decoration:underline'>{e(c.doc.title)}</p>"
             + (f"<p>{e(c.doc.salutation)}</p>" if c.doc.salutation else ""))
    return paged(c, letterhead(c), block, lambda s: _letter_body(c, s), signature(c, c.doc.signature))


def fam_refbox(c: Ctx) -> list[str]:
    rows = "".join(f"<div style='margin:1pt 0'><b>{e(k.label)}:</b>&nbsp;&nbsp;{e(k.value)}</div>" for k in c.doc.kvs)
    block = (title(c, boxed=True) + f"<div style='border:1px solid #000;padding:4pt 6pt;margin:6pt 0'>{rows}</div>"
             + (f"<p>{e(c.doc.salutation)}</p>" if c.doc.salutation else ""))
    return paged(c, letterhead(c, "right"), block, lambda s: _letter_body(c, s), signature(c, c.doc.signature))


def fam_memo(c: Ctx) -> list[str]:
    rows = "".join(f"<tr><td style='padding:1pt 4pt;width:25%'>{e(k.label).upper()}:</td>"
                   f"<td style='width:75%'>{e(k.value)}</td></tr>" for k in c.doc.kvs)
    head = (f"<div style='font-size:{c.size + 2}pt;font-weight:bold'>{e(c.doc.org)}</div>"
            f"<div style='font-size:{c.size - 1}pt'>{' - '.join(e(x) for x in c.doc.org_lines)}</div>"
            f"<div style='font-size:{c.size + 8}pt;font-weight:bold;margin:10pt 0 4pt 0'>{e(c.doc.title)}</div>")
    block = f"<table style='width:100%;margin:4pt 0 8pt 0'>{rows}</table><hr/>"
    return paged(c, head, block, lambda s: _letter_body(c, s), signature(c, c.doc.signature))


def fam_plain(c: Ctx) -> list[str]:
    c.font = "serif"
    kvs = c.doc.kvs
    lines = "<br/>".join(f"{e(k.label)}: {e(k.value)}" for k in kvs)
    head = (f"<div style='text-align:center;font-variant:small-caps;font-size:{c.size + 4}pt'>{e(c.doc.org)}</div>"
            f"<div style='text-align:center;font-size:{c.size - 1}pt'>{' &#183; '.join(e(x) for x in c.doc.org_lines)}</div><br/>")
    block = (f"<p>{lines}</p><p><b>{e(c.doc.title)}</b></p>"
             + (f"<p>{e(c.doc.salutation)}</p>" if c.doc.salutation else ""))
    return paged(c, head, block, lambda s: _letter_body(c, s), signature(c, c.doc.signature))


FAMILIES: dict[str, Callable[[Ctx], list[str]]] = {
    "kv": fam_kv, "boxed": fam_boxed, "twocol": fam_twocol, "grid": fam_grid, "prose": fam_prose, "ehr": fam_ehr,
    "letterhead": fam_letterhead, "refbox": fam_refbox, "memo": fam_memo, "plain": fam_plain,
}


def render_family(family: str, doc: DocContent, rng: random.Random, images: dict[str, bytes]) -> list[str]:
    return FAMILIES[family](Ctx(doc, rng, images))
