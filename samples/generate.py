"""Synthetic intake packets with ground truth.

    python -m samples.generate --n 24 --seed 2026 --out samples

writes ``OUT/packets/<packet>`` (a PDF, a TIFF, a JPEG or a folder) and ``OUT/truth/<packet_id>.json``
(format in ``samples/README.md``). The same ``--n``/``--seed`` give the same files.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from multiprocessing import Pool
from pathlib import Path

from samples import documents as D
from samples.content import IMAGING, INFUSION, REFERRALS, ContentFactory, make_auth_number, make_claim_number
from samples.layouts import pick_family, render_pages
from samples.layouts.cards import back as card_back, front as card_front
from samples.render import PageSpec, build_pdf, fax_header, fax_tiff, pdf_bytes, photo_jpeg, scanned_pdf
from samples.truth import evaluate, infer_workflow, printed_service_date

# The packet plan cycles through these so that a modest n covers every checklist, outcome and rendering.
WORKFLOW_CYCLE = ["prior_auth_imaging", "prior_auth_infusion", "specialist_referral", "appeal",
                  "payer_correspondence", None, "prior_auth_imaging", "prior_auth_infusion", "specialist_referral",
                  "appeal", "prior_auth_imaging", "payer_correspondence", None, "prior_auth_infusion"]
RENDER_CYCLE = ["born_digital", "fax", "scanned", "born_digital", "fax", "folder", "scanned", "fax", "born_digital",
                "scanned", "fax", "born_digital", "folder"]
DEFECTS = {  # order matters only for which defects a small set (e.g. the committed seed) gets first
    "prior_auth_imaging": ["missing_clinical_note", "clinical_note_too_old", "unsigned_request",
                           "bad_npi_check_digit", "missing_request", "other_patient_document", "missing_member_id"],
    "prior_auth_infusion": ["missing_lab_result", "other_patient_document", "clinical_note_too_old",
                            "lab_result_too_old", "missing_medical_necessity_letter", "missing_insurance_card",
                            "unsigned_request", "bad_npi_check_digit", "missing_request"],
    "specialist_referral": ["missing_patient_registration", "missing_insurance_card", "unsigned_consent_form",
                            "missing_member_id", "unsigned_referral_order", "other_patient_document",
                            "missing_consent_form", "missing_referral_order"],
    "appeal": ["missing_clinical_note", "missing_medical_necessity_letter", "missing_auth_number",
               "missing_member_id", "other_patient_document"],
    "payer_correspondence": ["missing_member_id", "missing_auth_number"],
}
NEEDS_REVIEW_KINDS = ["card_photo", "notes_and_labs", "records_request", "registration_bundle", "dme_request"]


@dataclass
class Doc:
    content: D.DocContent
    family: str
    pages: list[PageSpec] = field(default_factory=list)
    card_imgs: tuple = ()


@dataclass
class Plan:
    index: int
    packet_id: str
    seed: int
    workflow: str | None
    defect: str | None
    rendering: str
    review_kind: str = ""


def plan_packets(n: int, seed: int, rendering: str | None = None) -> list[Plan]:
    """What each packet will be. ``rendering`` forces one rendering (packets that need a manifest
    still become folders, and the card-photo packets stay photos)."""
    rendering_override = rendering
    plans = []
    counters: dict[str | None, int] = {}
    for i in range(n):
        wf = WORKFLOW_CYCLE[i % len(WORKFLOW_CYCLE)]
        k = counters.get(wf, 0)
        counters[wf] = k + 1
        rng = random.Random(seed * 100003 + i)
        defect = None
        review_kind = ""
        if wf is None:
            review_kind = NEEDS_REVIEW_KINDS[k % len(NEEDS_REVIEW_KINDS)]
        elif (k + seed) % 2 == 1:
            opts = DEFECTS[wf]
            defect = opts[(k // 2 + seed) % len(opts)]
        rendering = rendering_override or RENDER_CYCLE[(i + seed) % len(RENDER_CYCLE)]
        if review_kind == "card_photo":
            rendering = "photo"
        plans.append(Plan(i, f"PKT-{i + 1:04d}", rng.randint(0, 2**31 - 1), wf, defect, rendering, review_kind))
    return plans


# --------------------------------------------------------------------------- composing documents


def _case(plan: Plan, cf: ContentFactory) -> D.Case:
    rng = cf.rng
    received = date(2026, 11, 2) + timedelta(days=rng.randint(0, 27))
    payer = cf.payer()
    wf = plan.workflow
    scenario: object
    drug = ""
    if wf == "prior_auth_infusion":
        scenario = rng.choice(INFUSION)
        cpts = [scenario.jcode] + ([scenario.admin_cpt] if rng.random() < 0.5 else [])
        icds = list(scenario.icds)
        drug = scenario.drug
        spec = rng.choice(["Rheumatology", "Hematology/Oncology", "Gastroenterology", "Neurology"])
    elif wf == "specialist_referral" or (wf is None and plan.review_kind != "dme_request"):
        scenario = rng.choice(REFERRALS)
        cpts, icds = list(scenario.cpts), list(scenario.icds)
        spec = "Family Medicine"
    else:
        scenario = rng.choice(IMAGING)
        cpts = list(scenario.cpts[:rng.randint(1, len(scenario.cpts))])
        icds = list(scenario.icds)
        spec = rng.choice(["Family Medicine", "Internal Medicine", "Orthopedic Surgery", "Neurology"])
    female_only = any(c.startswith(("C50", "D50")) for c in icds)
    p1 = cf.patient("p1", payer, received, sex="F" if female_only else None)
    p2 = cf.patient("p2", payer, received, sex="F" if female_only else None)
    provider = cf.provider(spec, valid_npi=plan.defect != "bad_npi_check_digit")
    specialist = cf.provider(getattr(scenario, "specialty", "Radiology"))
    service = received + timedelta(days=rng.randint(5, 30))
    if wf == "appeal":
        service = received - timedelta(days=rng.randint(-10, 20))
    case = D.Case(p1, p2, provider, specialist, payer, service, received, cpts, icds, scenario, wf or "none",
                  auth_number=make_auth_number(rng, received.year), claim_number=make_claim_number(rng, received.year),
                  drug=drug)
    return case


def _note_pages(rng: random.Random) -> int:
    return rng.choices([1, 2, 3], weights=[45, 40, 15])[0]


def compose(plan: Plan, case: D.Case, rng: random.Random) -> list[D.DocContent]:
    """The documents of the packet, in page order (fax cover added later)."""
    wf, defect = plan.workflow, plan.defect
    p1, p2 = case.patient, case.other_patient
    R, S = case.received, case.service_date
    member = defect != "missing_member_id"
    docs: list[D.DocContent] = []
    other = defect == "other_patient_document"

    def note(when: date, patient=p1, **kw) -> D.DocContent:
        return D.clinical_note(case, rng, patient=patient, when=when, n_pages=_note_pages(rng), **kw)

    def before_service(lo: int, hi: int) -> int:
        """Days back from the service date: lo..hi, but never a date after the packet was received
        (a note or lab in a packet is written before the packet is sent)."""
        return max(rng.randint(lo, hi), (S - R).days)

    if wf == "prior_auth_imaging":
        if defect != "missing_request":
            signed = defect != "unsigned_request"
            kind = rng.choice(["pa", "order", "both"])
            if kind in ("pa", "both"):
                docs.append(D.prior_auth_request(case, rng, patient=p1, signed=signed, when=R - timedelta(days=rng.randint(0, 3)),
                                                 member=member))
            if kind in ("order", "both"):
                docs.append(D.referral_order(case, rng, patient=p1, signed=signed if kind == "order" else rng.random() < 0.8 and signed,
                                             when=R - timedelta(days=rng.randint(1, 6)), member=member))
        if defect != "missing_clinical_note":
            old = defect == "clinical_note_too_old"
            age = before_service(80, 200) if old else before_service(2, 40)
            who = p2 if other else p1
            docs.append(note(S - timedelta(days=age), patient=who))
            if rng.random() < 0.25:  # an earlier note back to back
                docs.append(note(S - timedelta(days=age + rng.randint(60, 150)), patient=who))
        if rng.random() < 0.35:
            docs.append(D.imaging_report(case, rng, patient=p1, when=R - timedelta(days=rng.randint(20, 200)),
                                         with_cpt=rng.random() < 0.5))
        if member and rng.random() < 0.8:
            docs.append(D.insurance_card(case, rng, patient=p1))
    elif wf == "prior_auth_infusion":
        if defect != "missing_request":
            docs.append(D.prior_auth_request(case, rng, patient=p1, signed=defect != "unsigned_request",
                                             when=R - timedelta(days=rng.randint(0, 3)), member=member))
        if defect != "missing_medical_necessity_letter":
            docs.append(D.medical_necessity_letter(case, rng, patient=p1, when=R - timedelta(days=rng.randint(0, 5)),
                                                   appeal=False, member=member))
        age = before_service(120, 300) if defect == "clinical_note_too_old" else before_service(5, 60)
        docs.append(note(S - timedelta(days=age)))
        if rng.random() < 0.2:  # an earlier note back to back
            docs.append(note(S - timedelta(days=age + rng.randint(40, 120))))
        if defect != "missing_lab_result":
            lage = before_service(45, 120) if defect == "lab_result_too_old" else before_service(3, 20)
            docs.append(D.lab_result(case, rng, patient=p2 if other else p1, when=S - timedelta(days=lage)))
        if defect not in ("missing_insurance_card", "missing_member_id"):
            docs.append(D.insurance_card(case, rng, patient=p1))
    elif wf == "specialist_referral":
        if defect != "missing_referral_order":
            docs.append(D.referral_order(case, rng, patient=p1, signed=defect != "unsigned_referral_order",
                                         when=R - timedelta(days=rng.randint(0, 5)), member=member,
                                         with_codes=rng.random() < 0.5))
        if rng.random() < 0.35:
            docs.append(note(R - timedelta(days=rng.randint(3, 30)), plan_codes=False))
        if defect != "missing_patient_registration":
            docs.append(D.patient_registration(case, rng, patient=p1, when=R, member=member))
        if defect not in ("missing_insurance_card", "missing_member_id"):
            docs.append(D.insurance_card(case, rng, patient=p1))
        if defect != "missing_consent_form":
            docs.append(D.consent_form(case, rng, patient=p2 if other else p1, when=R,
                                       signed=defect != "unsigned_consent_form"))
        if rng.random() < 0.25:
            docs.append(D.prescription(case, rng, patient=p1, when=R - timedelta(days=rng.randint(0, 20))))
    elif wf == "appeal":
        denial_date = R - timedelta(days=rng.randint(10, 40))
        docs.append(D.payer_determination(case, rng, patient=p1, when=denial_date, determination="denied",
                                          with_auth=defect != "missing_auth_number", member=member))
        if defect != "missing_medical_necessity_letter":
            docs.append(D.medical_necessity_letter(case, rng, patient=p1, when=R - timedelta(days=rng.randint(0, 4)),
                                                   appeal=True, member=member))
        if defect != "missing_clinical_note":
            docs.append(note(denial_date - timedelta(days=rng.randint(5, 60)), patient=p2 if other else p1))
        if rng.random() < 0.3 and hasattr(case.scenario, "findings"):
            docs.append(D.imaging_report(case, rng, patient=p1, when=denial_date - timedelta(days=rng.randint(30, 90)),
                                         with_cpt=False))
    elif wf == "payer_correspondence":
        if rng.random() < 0.65:
            det = rng.choice(["approved", "approved", "denied", "pended", "more_info_requested"])
            docs.append(D.payer_determination(case, rng, patient=p1, when=R - timedelta(days=rng.randint(0, 3)),
                                              determination=det, with_auth=defect != "missing_auth_number",
                                              member=member))
        else:
            docs.append(D.remittance_eob(case, rng, patient=p1, when=R - timedelta(days=rng.randint(0, 10)),
                                         member=member, with_claim=defect != "missing_auth_number"))
    else:  # needs review: nothing that infers a checklist
        k = plan.review_kind
        if k == "notes_and_labs":
            docs.append(D.discharge_summary(case, rng, patient=p1, when=R - timedelta(days=rng.randint(3, 20))))
            docs.append(note(R - timedelta(days=rng.randint(1, 10)), plan_codes=False))
            docs.append(D.lab_result(case, rng, patient=p1, when=R - timedelta(days=rng.randint(1, 10))))
            docs.append(D.prescription(case, rng, patient=p1, when=R - timedelta(days=rng.randint(0, 5))))
        elif k == "registration_bundle":
            docs.append(D.patient_registration(case, rng, patient=p1, when=R))
            docs.append(D.consent_form(case, rng, patient=p1, when=R, signed=True))
            docs.append(D.prescription(case, rng, patient=p1, when=R - timedelta(days=rng.randint(0, 15))))
            docs.append(D.insurance_card(case, rng, patient=p1))
            if rng.random() < 0.5:
                docs.append(D.other_document(case, rng, patient=p1, when=R))
        elif k == "records_request":
            docs.append(D.other_document(case, rng, patient=p1, when=R))
            docs.append(D.imaging_report(case, rng, patient=p1, when=R - timedelta(days=rng.randint(10, 90)),
                                         with_cpt=False))
            docs.append(D.discharge_summary(case, rng, patient=p1, when=R - timedelta(days=rng.randint(30, 90))))
        elif k == "dme_request":
            # a prior auth request for a CPAP machine: no imaging CPT, no J-code, no referral order
            case.cpts, case.icds = ["E0601"], ["G47.33"]
            docs.append(D.prior_auth_request(case, rng, patient=p1, signed=True, when=R))
            docs.append(D.other_document(case, rng, patient=p1, when=R))
        else:  # card_photo
            docs.append(D.insurance_card(case, rng, patient=p1))
    return docs


# --------------------------------------------------------------------------- building a packet


def _layout(doc: D.DocContent, rng: random.Random) -> Doc:
    fam = pick_family(doc, rng)
    d = Doc(doc, fam)
    if doc.type == "insurance_card":
        d.card_imgs = (card_front(doc.card, fam, rng), card_back(doc.card, fam, rng))
        d.pages = [PageSpec(card_front=d.card_imgs[0], card_back=d.card_imgs[1], card_photo=rng.random() < 0.3)]
    else:
        images: dict[str, bytes] = {}
        htmls = render_pages(doc, rng, images)
        d.pages = [PageSpec(html=h, images=images, margin=rng.choice([36, 40, 45, 54])) for h in htmls]
    return d


@dataclass
class Sending:
    """How the packet travelled: fax numbers, sender and time (fax header lines, file times)."""

    sent_at: datetime
    from_fax: str
    to_fax: str
    sender: str

    def header(self, page: int, total: int, style: int) -> str:
        return fax_header(self.sent_at, self.from_fax, self.to_fax, self.sender, page, total, style)


@dataclass
class Written:
    """What was written for a packet: its files and where each document's pages ended up."""

    source: str
    rendering: str
    files: list[str] = field(default_factory=list)
    placed: list[tuple[Doc, list[int]]] = field(default_factory=list)
    upside_down: set[int] = field(default_factory=set)  # 1-based pages fed upside down
    manifest: dict | None = None

    def place(self, doc: Doc, n_pages: int) -> None:
        first = sum(len(p) for _, p in self.placed) + 1
        self.placed.append((doc, list(range(first, first + n_pages))))


def _needs_manifest(plan: Plan, contents: list[D.DocContent]) -> bool:
    docs = [{"type": c.type, "fields": c.fields} for c in contents]
    if plan.workflow is not None and infer_workflow(docs) != plan.workflow:
        return True  # e.g. an appeal without its letter: only a manifest says what it is
    # the clinical-note window needs a service date
    return plan.workflow in ("prior_auth_imaging", "prior_auth_infusion") and printed_service_date(docs) is None


def _add_cover(plan: Plan, case: D.Case, laid: list[Doc], rendering: str, rng: random.Random) -> Sending:
    """Maybe put a fax cover sheet in front; returns the sending details either way."""
    payer_sends = plan.workflow == "payer_correspondence"
    cover_p = {"fax": 0.85, "born_digital": 0.4, "scanned": 0.35, "folder": 0.4, "photo": 0.0}[rendering]
    if rng.random() < cover_p and plan.review_kind != "card_photo":
        n_pages = sum(len(d.pages) for d in laid)
        stated = n_pages if rng.random() < 0.1 else n_pages + 1  # some senders do not count the cover
        cover = D.fax_cover(case, rng, sender="payer" if payer_sends else "provider", page_count=stated,
                            when=case.received, include_patient=rng.random() < 0.5)
        laid.insert(0, _layout(cover, rng))
        from_fax, to_fax = cover.fields["fax_from"], cover.fields["fax_to"]
    elif payer_sends:
        from_fax, to_fax = case.payer.fax, case.provider.fax
    else:
        from_fax = case.provider.fax
        to_fax = case.specialist.fax if plan.workflow == "specialist_referral" else case.payer.fax
    sender = case.payer.name if payer_sends else case.provider.practice
    sent_at = datetime(case.received.year, case.received.month, case.received.day, rng.randint(7, 18),
                       rng.randint(0, 59))
    return Sending(sent_at, from_fax, to_fax, sender)


def _render_file(docs: list[Doc], base: str, send: Sending, rng: random.Random, seed: int,
                 flipped: frozenset[int] = frozenset()) -> bytes:
    doc = build_pdf([p for d in docs for p in d.pages], rng)
    stamps = None
    if base in ("fax", "scanned") and rng.random() < 0.25:  # a received/scanned rubber stamp on one page
        word = rng.choice(["RECEIVED", "SCANNED", "FAXED", "RECEIVED"])
        stamps = {rng.randint(0, min(1, doc.page_count - 1)): f"{word}\n{send.sent_at.strftime('%b %d %Y').upper()}"}
    if base == "fax":
        return fax_tiff(doc, rng, seed, send.header, flipped, stamps)[0]
    if base == "scanned":
        return scanned_pdf(doc, rng, seed, flipped, stamps)
    return pdf_bytes(doc)


def _write_single(plan: Plan, laid: list[Doc], rendering: str, send: Sending, rng: random.Random,
                  packets_dir: Path) -> Written:
    name = f"{plan.packet_id}.{'tif' if rendering == 'fax' else 'pdf'}"
    written = Written(name, rendering, [name])
    n_pages = sum(len(d.pages) for d in laid)
    if rendering != "born_digital" and n_pages > 2 and rng.random() < 0.12:
        written.upside_down.add(rng.randint(2, n_pages))
    flipped = frozenset(p - 1 for p in written.upside_down)
    (packets_dir / name).write_bytes(_render_file(laid, rendering, send, rng, plan.seed, flipped))
    _touch(packets_dir / name, send.sent_at)
    for d in laid:
        written.place(d, len(d.pages))
    return written


def _write_photo(plan: Plan, laid: list[Doc], send: Sending, rng: random.Random, packets_dir: Path) -> Written:
    name = f"{plan.packet_id}.jpg"
    (packets_dir / name).write_bytes(photo_jpeg(laid[0].card_imgs[0], rng))
    _touch(packets_dir / name, send.sent_at)
    written = Written(name, "photo", [name])
    written.place(laid[0], 1)
    return written


def _write_folder(plan: Plan, case: D.Case, laid: list[Doc], send: Sending, rng: random.Random, packets_dir: Path,
                  want_manifest: bool) -> Written:
    """PDFs (born-digital or scanned) or fax TIFFs, card photos as JPEGs, and manifest.json."""
    folder = packets_dir / plan.packet_id
    folder.mkdir(parents=True, exist_ok=True)
    written = Written(plan.packet_id, "")
    base = rng.choice(["born_digital", "born_digital", "scanned", "fax"])
    groups: list[list[Doc]] = []
    for d in laid:
        if d.content.type == "insurance_card" or not groups or groups[-1][0].content.type == "insurance_card" \
                or rng.random() < 0.3:
            groups.append([d])
        else:
            groups[-1].append(d)
    kinds = set()
    for gi, group in enumerate(groups, start=1):
        if group[0].content.type == "insurance_card" and rng.random() < 0.75:
            shot = rng.randint(1000, 9990)
            for k, img in enumerate(group[0].card_imgs):  # phone photos, front then back in name order
                name = f"{gi:02d}_IMG_{shot + k}.jpg"
                (folder / name).write_bytes(photo_jpeg(img, rng))
                written.files.append(name)
            kinds.add("photo")
            written.place(group[0], 2)
            continue
        label = rng.choice(["attachment", "document", "scan", "pages", "records"])
        name = f"{gi:02d}_fax.tif" if base == "fax" else f"{gi:02d}_{label}.pdf"
        (folder / name).write_bytes(_render_file(group, base, send, rng, plan.seed + gi))
        written.files.append(name)
        kinds.add(base)
        for d in group:
            written.place(d, len(d.pages))
    manifest: dict = {"case_id": f"CASE-{case.received.strftime('%Y%m%d')}-{plan.index + 1:04d}"}
    if plan.workflow and (want_manifest or rng.random() < 0.7):
        manifest["workflow"] = plan.workflow
    if plan.workflow in ("prior_auth_imaging", "prior_auth_infusion") or rng.random() < 0.5:
        manifest["service_date"] = case.service_date.isoformat()
    manifest["received_at"] = send.sent_at.isoformat() + "Z"
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    for f in folder.iterdir():
        _touch(f, send.sent_at)
    written.manifest = manifest
    written.rendering = "mixed" if len(kinds) > 1 else kinds.pop()
    return written


def _truth(plan: Plan, case: D.Case, written: Written, send: Sending) -> dict:
    docs = [{"type": d.content.type, "pages": pages, "layout": d.content.layout, "patient": d.content.patient_key,
             "fields": d.content.fields} for d, pages in written.placed]
    pages = []
    for i, d in enumerate(docs, start=1):
        for p in d["pages"]:
            entry = {"page": p, "type": d["type"], "layout": d["layout"], "doc": i}
            if p in written.upside_down:
                entry["rotation"] = 180  # the page image is upside down
            pages.append(entry)
    manifest = written.manifest or {}
    workflow = manifest.get("workflow") or infer_workflow(docs)
    source = "manifest" if manifest.get("workflow") else ("inferred" if workflow else "none")
    if manifest.get("service_date"):
        service = date.fromisoformat(manifest["service_date"])
    else:
        service = printed_service_date(docs) or case.received
    return {
        "packet_id": plan.packet_id,
        "source": written.source,
        "rendering": written.rendering,
        "seed": plan.seed,
        "workflow": workflow,
        "workflow_source": source,
        "checklist": evaluate(workflow, docs, service),
        "defects": [plan.defect] if plan.defect else [],
        "service_date": service.isoformat(),
        "received_at": send.sent_at.isoformat() + "Z",
        "manifest": written.manifest,
        "files": written.files,
        "page_count": len(pages),
        "patients": {k: {"name": _truth_name(p), "dob": p.dob.isoformat()} for k, p in
                     (("p1", case.patient), ("p2", case.other_patient))},
        "pages": pages,
        "documents": docs,
    }


def build_packet(plan: Plan, out: Path) -> dict:
    """Compose, lay out, render and write one packet and its truth JSON; returns the truth."""
    cf = ContentFactory(plan.seed)
    rng = cf.rng
    case = _case(plan, cf)
    contents = compose(plan, case, rng)
    want_manifest = _needs_manifest(plan, contents)
    rendering = "folder" if want_manifest else plan.rendering
    laid = [_layout(c, rng) for c in contents]
    send = _add_cover(plan, case, laid, rendering, rng)
    packets_dir = out / "packets"
    if rendering == "folder":
        written = _write_folder(plan, case, laid, send, rng, packets_dir, want_manifest)
    elif rendering == "photo":
        written = _write_photo(plan, laid, send, rng, packets_dir)
    else:
        written = _write_single(plan, laid, rendering, send, rng, packets_dir)
    truth = _truth(plan, case, written, send)
    (out / "truth" / f"{plan.packet_id}.json").write_text(json.dumps(truth, indent=2) + "\n")
    return truth


def _truth_name(p) -> str:
    per = p.person
    return f"{per.given} {per.middle} {per.family}" if per.middle else f"{per.given} {per.family}"


def _touch(path: Path, when: datetime) -> None:
    ts = when.timestamp()
    os.utime(path, (ts, ts))


def _build_one(args: tuple[Plan, str]) -> dict:
    plan, out = args
    return build_packet(plan, Path(out))


def generate(n: int, seed: int, out: Path, workers: int = 1, rendering: str | None = None) -> list[dict]:
    """Write ``n`` packets and their truth under ``out``; replaces earlier packets/ and truth/ there."""
    for sub in ("packets", "truth"):
        if (out / sub).exists():
            shutil.rmtree(out / sub)
        (out / sub).mkdir(parents=True)
    plans = plan_packets(n, seed, rendering)
    jobs = [(p, str(out)) for p in plans]
    if workers > 1:
        with Pool(workers) as pool:
            return pool.map(_build_one, jobs, chunksize=1)
    return [_build_one(j) for j in jobs]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate synthetic intake packets with ground truth.")
    ap.add_argument("--n", type=int, default=24, help="number of packets")
    ap.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same files)")
    ap.add_argument("--out", type=Path, default=Path("samples"), help="output folder (packets/ and truth/ inside)")
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1),
                    help="processes to use (output does not depend on it)")
    ap.add_argument("--rendering", choices=["born_digital", "scanned", "fax", "folder"], default=None,
                    help="make every packet this rendering (default: a mix of all)")
    args = ap.parse_args(argv)
    t0 = time.time()
    truths = generate(args.n, args.seed, args.out, args.workers, args.rendering)
    pages = sum(t["page_count"] for t in truths)
    print(f"wrote {len(truths)} packets ({pages} pages) to {args.out} in {time.time() - t0:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
