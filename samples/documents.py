"""Document content: what each document says, independent of how it is laid out.

A builder returns a ``DocContent``: labelled values, prose sections, an optional table and a
signature block, plus ``fields``, the ground truth of what is printed (CONTRACT section 3 normal
forms). Layout families (``samples.layouts``) turn a ``DocContent`` into pages and must print
every labelled value, section and table row it holds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from samples.content import (
    CPT, ICD10, DATE_STYLES, NAME_STYLES, Patient, Payer, Provider, fmt_date, fmt_phone, print_member_id,
)

LABELS: dict[str, list[str]] = {
    "patient_name": ["Patient Name", "Patient", "Name", "Member Name", "Pt. Name", "Patient Full Name"],
    "patient_dob": ["DOB", "Date of Birth", "Birth Date", "D.O.B.", "Patient DOB"],
    "member_id": ["Member ID", "Member #", "Subscriber ID", "ID #", "Insurance ID", "Policy Number", "Member Number"],
    "group_number": ["Group #", "Group Number", "Group No.", "GRP #"],
    "payer_name": ["Insurance", "Health Plan", "Payer", "Insurance Carrier", "Plan Name", "Primary Insurance"],
    "ordering_provider_name": ["Ordering Provider", "Ordering Physician", "Requesting Provider", "Provider Name",
                               "Physician"],
    "ordering_provider_npi": ["NPI", "NPI #", "Provider NPI", "National Provider Identifier", "NPI No."],
    "service_date": ["Date of Service", "Requested Date of Service", "Scheduled Date", "Service Date",
                     "Anticipated DOS", "Planned Service Date"],
    "auth_number": ["Reference #", "Authorization Number", "Case Number", "Auth #", "Reference Number",
                    "Tracking Number"],
}


@dataclass
class KV:
    label: str
    value: str
    field: str | None = None  # CONTRACT field this prints, if any


@dataclass
class Signature:
    kind: str  # ink | electronic | blank
    signer: str  # printed name under the line
    date_text: str = ""
    label: str = "Signature"


@dataclass
class DocContent:
    type: str
    title: str
    org: str
    org_lines: list[str]
    kvs: list[KV]
    sections: list[tuple[str, str]] = field(default_factory=list)
    table: tuple[list[str], list[list[str]]] | None = None
    checkboxes: list[tuple[str, bool]] = field(default_factory=list)
    signature: Signature | None = None
    fields: dict[str, object] = field(default_factory=dict)
    patient_key: str = "p1"
    n_pages: int = 1
    letter: bool = False  # prose letter (salutation, body, closing) rather than a form
    salutation: str = ""
    footer: str = ""
    accent: tuple[int, int, int] = (0, 0, 0)
    card: dict | None = None  # insurance card data (rendered as an image)
    layout: str = ""  # family id, set by the layout picker


@dataclass
class Case:
    """What one packet is about: people, dates, codes."""

    patient: Patient
    other_patient: Patient
    provider: Provider
    specialist: Provider
    payer: Payer
    service_date: date
    received: date
    cpts: list[str]
    icds: list[str]
    scenario: object
    workflow: str
    auth_number: str = ""
    claim_number: str = ""
    determination: str = "approved"
    drug: str = ""


class Printer:
    """Per-document printing choices: one date style, one name style, label variants."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.date_style = rng.choice(DATE_STYLES)
        self.dob_style = rng.choice(DATE_STYLES)
        self.name_style = rng.choice(NAME_STYLES)

    def d(self, value: date) -> str:
        return fmt_date(value, self.date_style)

    def dob(self, value: date) -> str:
        return fmt_date(value, self.dob_style)

    def label(self, field_name: str) -> str:
        return self.rng.choice(LABELS[field_name])

    def phone(self, digits: str) -> str:
        return fmt_phone(digits, self.rng)


def _patient_kvs(p: Patient, pr: Printer, fields: dict, with_dob: bool = True) -> list[KV]:
    name, truth = p.person.printed(pr.name_style)
    fields["patient_name"] = truth
    kvs = [KV(pr.label("patient_name"), name, "patient_name")]
    if with_dob:
        kvs.append(KV(pr.label("patient_dob"), pr.dob(p.dob), "patient_dob"))
        fields["patient_dob"] = p.dob.isoformat()
    return kvs


def _provider_kvs(prov: Provider, pr: Printer, fields: dict, label: str | None = None, npi: bool = True) -> list[KV]:
    text, truth = prov.printed(pr.rng)
    fields["ordering_provider_name"] = truth
    kvs = [KV(label or pr.label("ordering_provider_name"), text, "ordering_provider_name")]
    if npi:
        kvs.append(KV(pr.label("ordering_provider_npi"), prov.npi, "ordering_provider_npi"))
        fields["ordering_provider_npi"] = prov.npi
    return kvs


def _insurance_kvs(p: Patient, payer: Payer, pr: Printer, fields: dict, member: bool = True,
                   group: bool = True) -> list[KV]:
    kvs = [KV(pr.label("payer_name"), payer.name, "payer_name")]
    fields["payer_name"] = payer.name
    if member:
        kvs.append(KV(pr.label("member_id"), print_member_id(p.member_id, pr.rng), "member_id"))
        fields["member_id"] = p.member_id
    if group:
        kvs.append(KV(pr.label("group_number"), p.group_number, "group_number"))
        fields["group_number"] = p.group_number
    return kvs


def _code_rows(codes: list[str]) -> list[list[str]]:
    return [[c, CPT.get(c) or ICD10.get(c, "")] for c in codes]


def _org_lines(prov: Provider, pr: Printer) -> list[str]:
    return [prov.address + ", " + prov.city_line,
            f"Phone {pr.phone(prov.phone)}   Fax {pr.phone(prov.fax)}"]


def _esign(prov: Provider, when: date, pr: Printer) -> Signature:
    text, _ = prov.printed(pr.rng)
    return Signature("electronic", text, f"{pr.d(when)} {pr.rng.randint(7, 18):02d}:{pr.rng.randint(0, 59):02d}")


def _sign(prov: Provider, when: date, pr: Printer, signed: bool, label: str = "Provider Signature") -> Signature:
    text, _ = prov.printed(pr.rng)
    if not signed:
        return Signature("blank", text, "", label)
    kind = "ink" if pr.rng.random() < 0.7 else "electronic"
    return Signature(kind, text, pr.d(when), label)


# --------------------------------------------------------------------------- builders


def fax_cover(case: Case, rng: random.Random, *, sender: str, page_count: int, when: date,
              include_patient: bool) -> DocContent:
    pr = Printer(rng)
    f: dict = {}
    if sender == "payer":
        frm_org, frm_fax, frm_phone = case.payer.name, case.payer.fax, case.payer.phone
        to_org, to_fax = case.provider.practice, case.provider.fax
        frm_person = rng.choice(["Utilization Management", "Prior Authorization Dept.", "Claims Department"])
        to_person = case.provider.printed(rng)[0]
    else:
        frm_org, frm_fax, frm_phone = case.provider.practice, case.provider.fax, case.provider.phone
        to_org = case.payer.name + rng.choice([" - Prior Authorization", " Utilization Review", ""])
        to_fax = case.payer.fax
        frm_person = rng.choice(["Referral Coordinator", "Front Desk", "Medical Assistant", "Office Manager"])
        to_person = rng.choice(["Intake Department", "Precertification", "Medical Review", "Appeals Unit"])
        if case.workflow == "specialist_referral":
            to_org, to_fax = case.specialist.practice, case.specialist.fax
            to_person = case.specialist.printed(rng)[0]
    f["fax_from"] = frm_fax
    f["fax_to"] = to_fax
    f["page_count"] = page_count
    f["document_date"] = when.isoformat()
    pages_label = rng.choice(["Pages (including cover)", "Number of pages", "Pages", "Total Pages", "# of Pages"])
    to_label = rng.choice(["Fax", "To Fax", "Fax #", "Fax Number"])
    from_labels = ["From Fax", "Sender Fax", "Return Fax"] + (["Fax"] if to_label != "Fax" else [])
    kvs = [
        KV("To", to_person), KV(rng.choice(["Company", "Organization", "Attn"]), to_org),
        KV(to_label, pr.phone(to_fax), "fax_to"),
        KV("From", f"{frm_person}, {frm_org}"),
        KV(rng.choice(from_labels), pr.phone(frm_fax), "fax_from"),
        KV(rng.choice(["Phone", "Sender Phone", "Callback"]), pr.phone(frm_phone)),
        KV("Date", pr.d(when), "document_date"),
        KV(pages_label, str(page_count), "page_count"),
    ]
    subject = {"prior_auth_imaging": "Prior authorization request - imaging",
               "prior_auth_infusion": "Precertification request - infusion therapy",
               "specialist_referral": "New patient referral", "appeal": "Appeal of adverse determination",
               "payer_correspondence": "Determination notice"}.get(case.workflow, "Medical records")
    if include_patient:
        name, truth = case.patient.person.printed(pr.name_style)
        kvs.append(KV("Re", f"{subject} for {name}", "patient_name"))
        f["patient_name"] = truth
    else:
        kvs.append(KV("Re", subject))
    checks = [(c, rng.random() < 0.35) for c in ["Urgent", "For Review", "Please Comment", "Please Reply"]]
    notice = ("CONFIDENTIALITY NOTICE: This facsimile contains protected health information that is privileged and "
              "confidential under HIPAA (45 CFR Parts 160 and 164). It is intended only for the use of the recipient "
              "named above. If you have received this fax in error, please notify the sender immediately by telephone "
              "and destroy all copies. Any review, dissemination or copying by anyone else is strictly prohibited.")
    comments = rng.choice([
        "Please find attached the requested clinical documentation. Kindly review at your earliest convenience.",
        "Attached: order, office notes and insurance information. Please call with any questions.",
        "Please review the enclosed and fax your determination to the number above.",
        "",
    ])
    return DocContent("fax_cover_sheet", rng.choice(["FAX", "Fax Transmittal", "FACSIMILE COVER SHEET", "Fax Cover"]),
                      frm_org, [], kvs, [("Comments", comments)] if comments else [], None, checks, None, f,
                      footer=notice)


def referral_order(case: Case, rng: random.Random, *, patient: Patient, signed: bool, when: date,
                   member: bool = True, with_codes: bool = True) -> DocContent:
    pr = Printer(rng)
    f: dict = {}
    kvs = _patient_kvs(patient, pr, f)
    kvs.append(KV("Phone", pr.phone(patient.phone)))
    kvs += _insurance_kvs(patient, case.payer, pr, f, member=member, group=rng.random() < 0.5)
    kvs += _provider_kvs(case.provider, pr, f, label=rng.choice(["Ordering Provider", "Referring Provider",
                                                                  "Ordering Physician"]))
    imaging = case.workflow in ("prior_auth_imaging",)
    sections: list[tuple[str, str]] = []
    rows: list[list[str]] = []
    sc = case.scenario
    if imaging:
        title = rng.choice(["Imaging Order", "Diagnostic Imaging Requisition", "Radiology Order", "Outpatient Imaging Order"])
        exam = CPT[case.cpts[0]]
        sections.append(("Exam Requested", f"{exam}. Clinical indication: {sc.complaint}."))
        kvs.append(KV(pr.label("service_date"), pr.d(case.service_date), "service_date"))
        f["service_date"] = case.service_date.isoformat()
    else:
        title = rng.choice(["Referral Form", "Specialist Referral", "Referral Request", "Outpatient Referral Order"])
        sp = case.specialist
        sp_text, _ = sp.printed(rng)
        kvs.append(KV("Refer To", f"{sp_text}, {sp.specialty}"))
        kvs.append(KV("Specialist Phone", pr.phone(sp.phone)))
        if rng.random() < 0.4:  # a second NPI on the page that is not the ordering provider's
            kvs.append(KV(rng.choice(["Specialist NPI", "Refer-to NPI", "Consultant NPI"]), sp.npi))
        sections.append(("Reason for Referral", f"Evaluation and management of {sc.reason}. "
                         + rng.choice(["Please see and treat.", "Consult and follow as needed.",
                                       "Please evaluate and advise on management."])))
        if rng.random() < 0.5:
            kvs.append(KV(pr.label("service_date"), pr.d(case.service_date), "service_date"))
            f["service_date"] = case.service_date.isoformat()
        kvs.append(KV("Visits Requested", str(rng.choice([1, 3, 6]))))
    if with_codes:
        codes = case.cpts[:rng.randint(1, len(case.cpts))]
        rows += [["CPT", c, CPT[c]] for c in codes]
        f["cpt_codes"] = codes
    icds = case.icds[:rng.randint(1, len(case.icds))]
    rows += [["ICD-10", c, ICD10[c]] for c in icds]
    f["icd10_codes"] = icds
    kvs.append(KV(rng.choice(["Order Date", "Date", "Date Ordered", "Referral Date"]), pr.d(when), "document_date"))
    f["document_date"] = when.isoformat()
    checks = [("Routine", True), ("Urgent", False), ("STAT", False)]
    if rng.random() < 0.3:
        checks = [("Routine", False), ("Urgent", True), ("STAT", False)]
    f["signature_present"] = signed
    return DocContent("referral_order", title, case.provider.practice, _org_lines(case.provider, pr), kvs, sections,
                      (["Code Type", "Code", "Description"], rows), checks,
                      _sign(case.provider, when, pr, signed), f, patient.key)


def prior_auth_request(case: Case, rng: random.Random, *, patient: Patient, signed: bool, when: date,
                       member: bool = True) -> DocContent:
    pr = Printer(rng)
    f: dict = {}
    kvs = [KV("Section", "MEMBER INFORMATION")]
    kvs += _patient_kvs(patient, pr, f)
    kvs += _insurance_kvs(patient, case.payer, pr, f, member=member, group=rng.random() < 0.6)
    kvs.append(KV("Section", "PROVIDER INFORMATION"))
    kvs += _provider_kvs(case.provider, pr, f, label=rng.choice(["Requesting Provider", "Ordering Provider",
                                                                  "Prescribing Provider" if case.drug else "Ordering Physician"]))
    kvs.append(KV("Practice", case.provider.practice))
    kvs.append(KV("Phone", pr.phone(case.provider.phone)))
    kvs.append(KV("Fax", pr.phone(case.provider.fax)))
    kvs.append(KV("Section", "SERVICE REQUESTED"))
    kvs.append(KV(pr.label("service_date"), pr.d(case.service_date), "service_date"))
    f["service_date"] = case.service_date.isoformat()
    if case.drug:
        kvs.append(KV("Drug", case.drug))
        kvs.append(KV("Dose / Frequency", case.scenario.dose))
        kvs.append(KV("Site of Care", rng.choice(["Hospital outpatient infusion", "Physician office",
                                                   "Ambulatory infusion center"])))
    else:
        kvs.append(KV("Place of Service", rng.choice(["22 - Outpatient hospital", "11 - Office",
                                                       "24 - Ambulatory surgical center", "Freestanding imaging center"])))
    codes = list(case.cpts)
    f["cpt_codes"] = codes
    icds = case.icds[:rng.randint(1, len(case.icds))]
    f["icd10_codes"] = icds
    rows = [["CPT/HCPCS", c, CPT[c], str(1 if not c.startswith("J") else rng.choice([40, 50, 100, 75]))]
            for c in codes]
    rows += [["ICD-10", c, ICD10[c], ""] for c in icds]
    sc = case.scenario
    if "E0601" in codes:
        summary = (f"Patient with obstructive sleep apnea, AHI {rng.randint(16, 38)} events/hour on home sleep "
                   "study, with daytime somnolence (Epworth 14). CPAP requested for home use.")
    elif hasattr(sc, "hpi"):
        summary = "Patient " + sc.hpi.format(weeks=rng.randint(6, 16), pt_weeks=rng.randint(4, 8))
    else:
        summary = "Patient with " + sc.history
    kvs.append(KV(rng.choice(["Date of Request", "Request Date", "Date Submitted", "Date"]), pr.d(when), "document_date"))
    f["document_date"] = when.isoformat()
    f["signature_present"] = signed
    title = rng.choice(["Prior Authorization Request Form", "Precertification Request",
                        "Outpatient Prior Authorization Request", "Request for Prior Authorization",
                        "Medical Prior Authorization Form"])
    if case.drug:
        title = rng.choice(["Specialty Drug Prior Authorization Request", "Infusion Therapy Precertification Form",
                            "Medical Injectable Prior Authorization Request"])
    checks = [("Initial request", True), ("Continuation", False), ("Expedited / urgent", rng.random() < 0.2)]
    attest = ("I attest that the information provided is true and accurate to the best of my knowledge and that "
              "supporting documentation is available upon request.")
    return DocContent("prior_auth_request", title, case.payer.name,
                      [f"Fax completed form to {pr.phone(case.payer.fax)}  |  Phone {pr.phone(case.payer.phone)}"],
                      kvs, [("Clinical Summary", summary), ("Attestation", attest)],
                      (["Type", "Code", "Description", "Units"], rows), checks,
                      _sign(case.provider, when, pr, signed, "Requesting Provider Signature"), f, patient.key,
                      accent=case.payer.color)


def insurance_card(case: Case, rng: random.Random, *, patient: Patient, member: bool = True) -> DocContent:
    pr = Printer(rng)
    f: dict = {}
    name, truth = patient.person.printed(rng.choice(["First MI. Last", "FIRST LAST", "First Last"]))
    f["patient_name"] = truth
    f["payer_name"] = case.payer.name
    card = {
        "payer": case.payer.name, "short": case.payer.short, "color": case.payer.color,
        "plan": rng.choice(case.payer.plan_types), "name": name,
        "member_label": rng.choice(["Member ID", "ID", "Member ID#", "Subscriber ID", "Identification No."]),
        "member_id": print_member_id(patient.member_id, rng) if member else "",
        "group_label": rng.choice(["Group", "Group No.", "GRP", "Group #"]),
        "group": patient.group_number,
        "rx": [("RxBIN", f"{rng.randint(600000, 610999)}"), ("RxPCN", rng.choice(["ADV", "MEDDPRIME", "9999", "RXCVS"])),
               ("RxGRP", f"RX{rng.randint(1000, 9999)}")],
        "copays": [("PCP", f"${rng.choice([10, 20, 25, 30])}"), ("Specialist", f"${rng.choice([40, 50, 60])}"),
                   ("ER", f"${rng.choice([150, 250, 300])}"), ("Urgent Care", f"${rng.choice([50, 75])}")],
        "effective": pr.d(case.received - timedelta(days=rng.randint(100, 700))),
        "phone": pr.phone(case.payer.phone), "address": case.payer.address + ", " + case.payer.city_line,
        "dob": pr.dob(patient.dob) if rng.random() < 0.25 else "",
        "pcp": case.provider.printed(rng)[0] if rng.random() < 0.4 else "",
    }
    if member:
        f["member_id"] = patient.member_id
    f["group_number"] = patient.group_number
    if card["dob"]:
        f["patient_dob"] = patient.dob.isoformat()
    return DocContent("insurance_card", "Insurance Card", case.payer.name, [], [], fields=f, patient_key=patient.key,
                      card=card, accent=case.payer.color)


def clinical_note(case: Case, rng: random.Random, *, patient: Patient, when: date, n_pages: int = 1,
                  plan_codes: bool = True, codes: bool = True) -> DocContent:
    pr = Printer(rng)
    f: dict = {}
    kvs = _patient_kvs(patient, pr, f)
    kvs.append(KV("MRN", patient.mrn))
    kvs.append(KV(rng.choice(["Visit Date", "Date of Visit", "Encounter Date", "Note Date", "Date"]), pr.d(when),
                  "document_date"))
    f["document_date"] = when.isoformat()
    text, truth = case.provider.printed(rng)
    kvs.append(KV(rng.choice(["Provider", "Author", "Seen by", "Attending Provider", "Rendering Provider"]), text,
                  "ordering_provider_name"))
    f["ordering_provider_name"] = truth
    if rng.random() < 0.4:
        kvs.append(KV(pr.label("ordering_provider_npi"), case.provider.npi, "ordering_provider_npi"))
        f["ordering_provider_npi"] = case.provider.npi
    sc = case.scenario
    age = (when - patient.dob).days // 365
    sex = "female" if patient.sex == "F" else "male"
    pronoun = "She" if patient.sex == "F" else "He"
    wk = rng.randint(4, 14)
    if hasattr(sc, "hpi"):
        cc, hpi = sc.complaint.capitalize(), f"{age}-year-old {sex} who " + sc.hpi.format(weeks=wk, pt_weeks=rng.randint(4, 8))
        exam = sc.exam
    elif hasattr(sc, "history"):
        cc = f"Follow-up of {sc.condition}"
        hpi = f"{age}-year-old {sex} with " + sc.history + f" {pronoun} reports fatigue and ongoing symptoms."
        exam = "Well-appearing, no acute distress. Heart regular rate and rhythm. Lungs clear. No edema."
    else:
        cc = sc.reason.capitalize() if hasattr(sc, "reason") else "Follow-up visit"
        hpi = f"{age}-year-old {sex} seen for {getattr(sc, 'reason', 'routine follow-up')}. {pronoun} denies chest pain or shortness of breath."
        exam = "Alert, oriented, no acute distress. Heart regular. Lungs clear bilaterally. Abdomen soft, nontender."
    vitals = (f"BP {rng.randint(112, 152)}/{rng.randint(68, 94)}, HR {rng.randint(58, 96)}, "
              f"Temp {rng.choice(['97.8', '98.1', '98.4', '98.6'])} F, RR {rng.randint(12, 18)}, "
              f"SpO2 {rng.randint(95, 100)}%, Wt {rng.randint(118, 240)} lb")
    ros = ("Constitutional: denies fever or chills. Cardiovascular: no chest pain. Respiratory: no dyspnea. "
           "GI: no nausea or vomiting. Neuro: see HPI. All other systems reviewed and negative.")
    meds = rng.sample(["lisinopril 10 mg daily", "atorvastatin 20 mg nightly", "metformin 500 mg BID",
                       "ibuprofen 600 mg PRN", "omeprazole 20 mg daily", "levothyroxine 50 mcg daily",
                       "folic acid 1 mg daily", "vitamin D3 2000 IU daily"], 3)
    assessment_codes: list[str] = []
    plan = ""
    if codes:
        assessment_codes = case.icds[:rng.randint(1, len(case.icds))]
        f["icd10_codes"] = assessment_codes
    assess_lines = "; ".join(f"{ICD10[c]} ({c})" if codes else ICD10[c] for c in (assessment_codes or case.icds[:1]))
    if hasattr(sc, "hpi"):
        exam_name = CPT[case.cpts[0]]
        plan = f"Order {exam_name}" + (f" (CPT {case.cpts[0]})" if plan_codes else "") + \
            ". Continue conservative management. Follow up after imaging."
        if plan_codes:
            f["cpt_codes"] = [case.cpts[0]]
    elif hasattr(sc, "jcode"):
        plan = f"Start {sc.drug}, {sc.dose}" + (f" (HCPCS {sc.jcode})" if plan_codes else "") + \
            ". Prior authorization to be submitted. Baseline labs reviewed. Return in 4 weeks."
        if plan_codes:
            f["cpt_codes"] = [sc.jcode]
    else:
        plan = f"Refer to {getattr(sc, 'specialty', 'specialist')} for further evaluation. Continue current medications."
    pmh = ", ".join(rng.sample(["hypertension", "hyperlipidemia", "GERD", "osteoarthritis", "seasonal allergies",
                                "anxiety", "hypothyroidism", "obesity", "prediabetes", "remote appendectomy"], 3))
    social = rng.choice(["Never smoker. Drinks alcohol socially. Works as a teacher.",
                         "Former smoker, quit 10 years ago. No alcohol. Retired.",
                         "Lives with spouse. Denies tobacco or drug use. Works in construction.",
                         "Current smoker, 1/2 pack per day, counseled on cessation. Office worker."])
    allergies = rng.choice(["NKDA", "Penicillin (rash)", "Sulfa drugs (hives)", "Codeine (nausea)"])
    sections = [("Chief Complaint", cc), ("History of Present Illness", hpi), ("Past Medical History", pmh),
                ("Allergies", allergies), ("Current Medications", ", ".join(meds)), ("Social History", social),
                ("Review of Systems", ros), ("Vital Signs", vitals), ("Physical Exam", exam),
                ("Assessment", assess_lines), ("Plan", plan)]
    if n_pages == 1:
        sections = [x for x in sections if x[0] not in ("Social History", "Past Medical History")]
    if n_pages == 3:
        sections.insert(8, ("Data Reviewed", rng.choice([
            "Prior records reviewed. Recent labs within normal limits except as noted in the HPI.",
            "Outside imaging report and medication history reviewed with the patient.",
        ])))
        sections.append(("Patient Education", "Diagnosis, treatment options, risks and benefits discussed. "
                         "Patient verbalized understanding and agrees with the plan. Return precautions given."))
    title = rng.choice(["Office Visit Note", "Progress Note", "Clinic Note", "History and Physical",
                        "Consultation Note", "Follow-Up Visit"])
    f["signature_present"] = True
    sig = _esign(case.provider, when, pr)
    if rng.random() < 0.25:
        sig = Signature("ink", text, pr.d(when), "Provider Signature")
    return DocContent("clinical_note", title, case.provider.practice, _org_lines(case.provider, pr), kvs, sections,
                      None, [], sig, f, patient.key, n_pages=n_pages)


def lab_result(case: Case, rng: random.Random, *, patient: Patient, when: date) -> DocContent:
    pr = Printer(rng)
    f: dict = {}
    kvs = _patient_kvs(patient, pr, f)
    kvs.append(KV("Sex", patient.sex))
    text, truth = case.provider.printed(rng)
    kvs.append(KV(rng.choice(["Ordering Physician", "Ordering Provider", "Physician", "Ordered By"]), text,
                  "ordering_provider_name"))
    f["ordering_provider_name"] = truth
    if rng.random() < 0.5:
        kvs.append(KV(pr.label("ordering_provider_npi"), case.provider.npi, "ordering_provider_npi"))
        f["ordering_provider_npi"] = case.provider.npi
    kvs.append(KV("Accession #", f"{rng.choice('ABCDEFGH')}{rng.randint(10, 99)}-{rng.randint(100000, 999999)}"))
    collected = when - timedelta(days=rng.choice([0, 0, 1]))
    kvs.append(KV("Collected", pr.d(collected)))
    kvs.append(KV(rng.choice(["Reported", "Report Date", "Final Report", "Resulted"]), pr.d(when), "document_date"))
    f["document_date"] = when.isoformat()
    sc = case.scenario
    labs = list(getattr(sc, "labs", ())) or [
        ("WBC", f"{rng.uniform(4.5, 10.5):.1f}", "K/uL", "4.0-11.0"), ("Hemoglobin", f"{rng.uniform(11.5, 15.5):.1f}", "g/dL", "12.0-15.5"),
        ("Platelets", str(rng.randint(160, 380)), "K/uL", "150-400"), ("Sodium", str(rng.randint(134, 145)), "mmol/L", "135-145"),
        ("Potassium", f"{rng.uniform(3.5, 5.1):.1f}", "mmol/L", "3.5-5.1"), ("Creatinine", f"{rng.uniform(0.6, 1.2):.2f}", "mg/dL", "0.6-1.2"),
        ("Glucose", str(rng.randint(76, 160)), "mg/dL", "70-99"), ("Hemoglobin A1c", f"{rng.uniform(5.2, 9.9):.1f}", "%", "4.0-5.6")]
    rows = []
    for test, val, units, rng_txt in labs:
        flag = ""
        try:
            lo, hi = (float(x) for x in rng_txt.split("-"))
            v = float(val)
            flag = "H" if v > hi else ("L" if v < lo else "")
        except ValueError:
            pass
        rows.append([test, val, flag, units, rng_txt])
    lab_name = rng.choice(["Tri-County Clinical Laboratory", "Northstar Reference Lab", "Regional Medical Laboratory",
                           "Valley Clinical Labs", "Mercy Hospital Laboratory"])
    sections = [("Comments", rng.choice(["Specimen received in good condition.", "Fasting specimen.",
                                         "Results verified by repeat analysis.", ""]))]
    if rng.random() < 0.4 and case.icds:
        kvs.append(KV(rng.choice(["Dx", "Diagnosis Code", "ICD-10"]), case.icds[0], "icd10_codes"))
        f["icd10_codes"] = [case.icds[0]]
    return DocContent("lab_result", rng.choice(["Laboratory Report", "Lab Results", "Final Report - Laboratory",
                                                 "Cumulative Lab Report"]), lab_name,
                      [f"CLIA #{rng.randint(10, 99)}D{rng.randint(1000000, 9999999)}   Medical Director: "
                       f"{rng.choice(['A. Patel, MD', 'R. Chen, MD, PhD', 'L. Okafor, MD'])}"],
                      kvs, [s for s in sections if s[1]], (["Test", "Result", "Flag", "Units", "Reference Range"], rows),
                      [], None, f, patient.key)


def imaging_report(case: Case, rng: random.Random, *, patient: Patient, when: date, with_cpt: bool) -> DocContent:
    pr = Printer(rng)
    f: dict = {}
    kvs = _patient_kvs(patient, pr, f)
    kvs.append(KV("MRN", patient.mrn))
    text, truth = case.provider.printed(rng)
    kvs.append(KV(rng.choice(["Ordering Physician", "Referring Physician", "Ordered By"]), text, "ordering_provider_name"))
    f["ordering_provider_name"] = truth
    sc = case.scenario
    if hasattr(sc, "findings"):
        cpt = case.cpts[-1]
        exam, findings, impression = CPT[cpt], sc.findings, sc.impression
    else:
        cpt, exam = "", "XR chest 2 views"
        findings = "The lungs are clear. No pleural effusion or pneumothorax. Cardiomediastinal silhouette is normal."
        impression = "No acute cardiopulmonary process."
    kvs.append(KV("Exam", exam))
    if with_cpt and cpt:
        kvs.append(KV("CPT", cpt, "cpt_codes"))
        f["cpt_codes"] = [cpt]
    kvs.append(KV(rng.choice(["Exam Date", "Date of Exam", "Report Date", "Date"]), pr.d(when), "document_date"))
    f["document_date"] = when.isoformat()
    rad = f"{rng.choice(['Maria', 'Thomas', 'Priya', 'Kenneth', 'Alice'])} {rng.choice(['Huang', 'Keller', 'Novak', 'Ibrahim', 'Larsen'])}, MD"
    sections = [("Clinical History", getattr(sc, "complaint", "Cough.").capitalize() + "."),
                ("Technique", "Multiplanar multisequence images were obtained without intravenous contrast."
                 if "MRI" in exam else "Axial images with coronal and sagittal reformats."),
                ("Comparison", rng.choice(["None.", "Prior study from outside facility, not available."])),
                ("Findings", findings), ("Impression", impression)]
    f["signature_present"] = True
    return DocContent("imaging_report", rng.choice(["Radiology Report", "Diagnostic Imaging Report", "MRI Report",
                                                     "Imaging Consultation"]),
                      rng.choice(["Lakeside Imaging Center", "Advanced Radiology Partners", "Metro Diagnostic Imaging",
                                  "St. Anne Hospital Department of Radiology"]),
                      [f"{rng.randint(100, 9999)} Medical Park Dr", f"Phone {pr.phone(case.specialist.phone)}"],
                      kvs, sections, None, [], Signature("electronic", rad + " (Radiologist)", pr.d(when),
                                                         "Interpreted by"), f, patient.key)


def medical_necessity_letter(case: Case, rng: random.Random, *, patient: Patient, when: date, appeal: bool,
                             member: bool = True) -> DocContent:
    pr = Printer(rng)
    f: dict = {}
    name, truth_name = patient.person.printed(rng.choice(["First MI. Last", "First Last"]))
    f["patient_name"] = truth_name
    f["patient_dob"] = patient.dob.isoformat()
    f["payer_name"] = case.payer.name
    kvs = [KV("Date", pr.d(when), "document_date"), KV("To", f"{case.payer.name}, "
                                                         + rng.choice(["Medical Director", "Appeals Department",
                                                                       "Utilization Management"])),
           KV("Re", name, "patient_name"), KV(pr.label("patient_dob"), pr.dob(patient.dob), "patient_dob")]
    f["document_date"] = when.isoformat()
    if member:
        kvs.append(KV(pr.label("member_id"), print_member_id(patient.member_id, rng), "member_id"))
        f["member_id"] = patient.member_id
    if appeal and case.auth_number:
        kvs.append(KV(rng.choice(["Claim/Reference #", "Reference #", "Denial Reference", "Case Number"]),
                      case.auth_number, "auth_number"))
        f["auth_number"] = case.auth_number
    sc = case.scenario
    codes = list(case.cpts)
    icds = case.icds[:rng.randint(1, len(case.icds))]
    f["cpt_codes"] = codes
    f["icd10_codes"] = icds
    code_txt = " and ".join(f"{CPT[c]} ({'HCPCS' if c.startswith('J') else 'CPT'} {c})" for c in codes)
    dx_txt = ", ".join(f"{ICD10[c].lower()} ({c})" for c in icds)
    he = "she" if patient.sex == "F" else "he"
    opening = (f"I am writing on behalf of my patient, {name}, to {'appeal the denial of' if appeal else 'request coverage for'} "
               f"{code_txt}. The patient carries a diagnosis of {dx_txt}.")
    hist = (f"{he.capitalize()} has " + getattr(sc, "history", "") if hasattr(sc, "history") else
            f"The patient {sc.hpi.format(weeks=rng.randint(6, 14), pt_weeks=rng.randint(4, 8))}" if hasattr(sc, "hpi")
            else "The patient has failed conservative management.")
    need = rng.choice([
        "Standard therapies have been tried and have failed or are contraindicated. The requested treatment is "
        "consistent with current clinical guidelines and is medically necessary to prevent further deterioration.",
        "In my professional opinion this service is medically necessary, and delaying it would place the patient "
        "at risk of significant harm. Alternatives with lower cost have been considered and are not appropriate.",
    ])
    if appeal:
        need += (" The denial stated that the service was not medically necessary; the enclosed office notes "
                 "document the failure of conservative treatment and meet your published criteria.")
    close = "Please do not hesitate to contact my office if you need additional information."
    text, truth = case.provider.printed(rng)
    f["ordering_provider_name"] = truth
    f["ordering_provider_npi"] = case.provider.npi
    close += f" {text}, NPI {case.provider.npi}."
    f["signature_present"] = True
    title = rng.choice(["Letter of Medical Necessity", "Re: Letter of Medical Necessity", "Medical Necessity Statement"])
    if appeal:
        title = rng.choice(["Letter of Appeal", "Request for Reconsideration", "First-Level Appeal - Medical Necessity"])
    return DocContent("medical_necessity_letter", title, case.provider.practice, _org_lines(case.provider, pr), kvs,
                      [("", opening), ("", hist), ("", need), ("", close)], None, [],
                      Signature(rng.choice(["ink", "ink", "electronic"]), text, pr.d(when), "Sincerely"), f,
                      patient.key, letter=True, salutation=rng.choice(["Dear Medical Director:",
                                                                       "To Whom It May Concern:",
                                                                       "Dear Appeals Reviewer:" if appeal
                                                                       else "Dear Reviewer:"]))


def patient_registration(case: Case, rng: random.Random, *, patient: Patient, when: date, member: bool = True,
                         signed: bool = True) -> DocContent:
    pr = Printer(rng)
    f: dict = {}
    p = patient
    kvs = [KV("Section", "PATIENT INFORMATION")]
    if rng.random() < 0.5:
        kvs += [KV("Last Name", p.person.family.upper() if pr.name_style.isupper() else p.person.family, "patient_name"),
                KV("First Name", p.person.given, "patient_name"), KV("MI", p.person.middle or "-")]
        f["patient_name"] = (f"{p.person.given} {p.person.middle} {p.person.family}" if p.person.middle
                             else f"{p.person.given} {p.person.family}")
        kvs.append(KV(pr.label("patient_dob"), pr.dob(p.dob), "patient_dob"))
        f["patient_dob"] = p.dob.isoformat()
    else:
        kvs += _patient_kvs(p, pr, f)
    kvs += [KV("Sex", {"F": "Female", "M": "Male"}[p.sex]), KV("Address", p.address), KV("City/State/ZIP", p.city_line),
            KV("Home Phone", pr.phone(p.phone)), KV("Marital Status", rng.choice(["Single", "Married", "Divorced", "Widowed"])),
            KV("Emergency Contact", f"{rng.choice(['Chris', 'Pat', 'Sam', 'Jordan', 'Lee'])} {p.person.family} "
               f"({rng.choice(['spouse', 'son', 'daughter', 'sibling'])})"),
            KV("Section", "INSURANCE INFORMATION")]
    kvs += _insurance_kvs(p, case.payer, pr, f, member=member)
    kvs += [KV("Subscriber", "Self"), KV("Relationship to Patient", "Self")]
    kvs.append(KV(rng.choice(["Date", "Registration Date", "Today's Date"]), pr.d(when), "document_date"))
    f["document_date"] = when.isoformat()
    f["signature_present"] = signed
    name, _ = p.person.printed("First Last")
    sig = Signature("ink" if signed else "blank", name, pr.d(when) if signed else "", "Patient Signature")
    return DocContent("patient_registration", rng.choice(["Patient Registration Form", "New Patient Registration",
                                                           "Patient Demographics / Face Sheet",
                                                           "Patient Information Form"]),
                      case.specialist.practice if case.workflow == "specialist_referral" else case.provider.practice,
                      _org_lines(case.specialist, pr), kvs, [], None,
                      [("New patient", True), ("Self-pay", False), ("Workers comp", False)], sig, f, p.key)


def consent_form(case: Case, rng: random.Random, *, patient: Patient, when: date, signed: bool) -> DocContent:
    pr = Printer(rng)
    f: dict = {}
    kvs = _patient_kvs(patient, pr, f)
    kind = rng.randint(0, 2)
    if kind == 0:
        title = "Consent to Treat and Assignment of Benefits"
        body = [("Consent to Treatment", "I voluntarily consent to outpatient evaluation and treatment, including "
                 "examinations, diagnostic procedures and laboratory tests ordered by my provider."),
                ("Assignment of Benefits", "I authorize payment of medical benefits directly to the practice for "
                 "services rendered and understand that I am financially responsible for charges not covered by my "
                 "insurance."),
                ("Release of Information", "I authorize the release of medical information necessary to process "
                 "insurance claims and coordinate my care.")]
    elif kind == 1:
        title = "HIPAA Authorization for Use and Disclosure of Health Information"
        body = [("Authorization", "I authorize the practice to use and disclose my protected health information to "
                 "my health plan and to other providers involved in my care for purposes of treatment, payment and "
                 "health care operations."),
                ("Expiration", "This authorization expires one year from the date signed unless revoked in writing."),
                ("Rights", "I understand that I may revoke this authorization at any time, that treatment will not be "
                 "conditioned on signing, and that information disclosed may be redisclosed by the recipient.")]
    else:
        title = "Acknowledgement and Consent for Care"
        body = [("Acknowledgement", "I acknowledge that I have received the Notice of Privacy Practices."),
                ("Financial Policy", "I have read and agree to the financial policy, including payment of copays at "
                 "the time of service and charges for missed appointments."),
                ("Consent", "I consent to evaluation and treatment by the providers of this practice.")]
    kvs.append(KV("Date", pr.d(when), "document_date"))
    f["document_date"] = when.isoformat()
    f["signature_present"] = signed
    name, _ = patient.person.printed("First Last")
    sig = Signature("ink" if signed else "blank", name, pr.d(when) if signed else "",
                    rng.choice(["Patient Signature", "Signature of Patient or Legal Representative"]))
    return DocContent("consent_form", title, case.specialist.practice if case.workflow == "specialist_referral"
                      else case.provider.practice, _org_lines(case.specialist, pr), kvs, body, None,
                      [("I have read and understand the above", True)], sig, f, patient.key)


def payer_determination(case: Case, rng: random.Random, *, patient: Patient, when: date, determination: str,
                        with_auth: bool = True, member: bool = True) -> DocContent:
    pr = Printer(rng)
    f: dict = {}
    name, truth = patient.person.printed(pr.name_style)
    f["patient_name"] = truth
    kvs = [KV("Date", pr.d(when), "document_date"), KV(rng.choice(["Member", "Patient", "Member Name"]), name,
                                                       "patient_name")]
    f["document_date"] = when.isoformat()
    if rng.random() < 0.6:
        kvs.append(KV(pr.label("patient_dob"), pr.dob(patient.dob), "patient_dob"))
        f["patient_dob"] = patient.dob.isoformat()
    if member:
        kvs.append(KV(pr.label("member_id"), print_member_id(patient.member_id, rng), "member_id"))
        f["member_id"] = patient.member_id
    f["payer_name"] = case.payer.name
    if with_auth:
        kvs.append(KV(pr.label("auth_number"), case.auth_number, "auth_number"))
        f["auth_number"] = case.auth_number
    text, truth_p = case.provider.printed(rng)
    kvs.append(KV(rng.choice(["Requesting Provider", "Provider", "Ordering Provider"]), text, "ordering_provider_name"))
    f["ordering_provider_name"] = truth_p
    if rng.random() < 0.4:
        kvs.append(KV(pr.label("ordering_provider_npi"), case.provider.npi, "ordering_provider_npi"))
        f["ordering_provider_npi"] = case.provider.npi
    codes = list(case.cpts)
    f["cpt_codes"] = codes
    svc = " / ".join(f"{c} {CPT[c]}" for c in codes)
    kvs.append(KV(rng.choice(["Service Requested", "Requested Service", "Service"]), svc, "cpt_codes"))
    if rng.random() < 0.5:
        kvs.append(KV(rng.choice(["Diagnosis", "Dx Code"]), case.icds[0], "icd10_codes"))
        f["icd10_codes"] = [case.icds[0]]
    kvs.append(KV(pr.label("service_date"), pr.d(case.service_date), "service_date"))
    f["service_date"] = case.service_date.isoformat()
    f["determination"] = determination
    dtext = {"approved": "APPROVED", "denied": "DENIED", "pended": "PENDED - UNDER REVIEW",
             "more_info_requested": "ADDITIONAL INFORMATION REQUIRED"}[determination]
    kvs.append(KV(rng.choice(["Determination", "Decision", "Status", "Review Outcome"]), dtext, "determination"))
    first = name.split(",")[-1].strip().split(" ")[0].title() if "," in name else name.split(" ")[0].title()
    if determination == "approved":
        body = [("", f"We have reviewed the request for the service listed above. The request has been approved. "
                 f"This authorization is valid for {rng.choice([30, 60, 90])} days from the date of service and is not "
                 "a guarantee of payment; benefits are subject to eligibility and plan terms at the time of service.")]
        title = rng.choice(["Notice of Approval", "Authorization Approval Letter", "Prior Authorization Determination"])
    elif determination == "denied":
        body = [("", "We have reviewed the request for the service listed above and have determined that it is not "
                 "medically necessary. The request has been denied."),
                ("Reason for denial", rng.choice([
                    "The clinical information submitted does not show a trial and failure of at least six weeks of "
                    "conservative therapy as required by our clinical policy.",
                    "Criteria for the requested drug were not met: documentation of failure of a preferred agent "
                    "was not provided.",
                    "The requested imaging is not supported by the documented clinical findings."])),
                ("Your right to appeal", "You or your provider may request an appeal within 180 days of this notice. "
                 "Send a written request with supporting medical records to the Appeals Department at the address "
                 "above, or fax to the number below. An expedited appeal is available if waiting could seriously "
                 "jeopardize your health.")]
        title = rng.choice(["Notice of Adverse Benefit Determination", "Denial Notice", "Coverage Denial Letter"])
    elif determination == "pended":
        body = [("", "Your request has been received and is pending clinical review. A determination will be made "
                 "within 15 calendar days. No action is needed at this time.")]
        title = rng.choice(["Request Pended", "Notice of Pending Review"])
    else:
        body = [("", "We are unable to complete our review of the request listed above. Please submit the following "
                 "within 14 days: recent office notes documenting conservative treatment, and results of prior "
                 "imaging or laboratory studies. If we do not receive this information, the request may be denied.")]
        title = rng.choice(["Request for Additional Information", "Information Needed to Process Your Request"])
    body.append(("", f"Questions? Call Utilization Management at {pr.phone(case.payer.phone)}, Monday-Friday "
                 f"8 a.m. to 6 p.m. Fax {pr.phone(case.payer.fax)}."))
    return DocContent("payer_determination", title, case.payer.name,
                      [case.payer.address + ", " + case.payer.city_line], kvs, body, None, [],
                      Signature("electronic", rng.choice(["Utilization Management Department",
                                                          "Medical Director, Utilization Review",
                                                          "Clinical Review Team"]), "", "Sincerely"),
                      f, patient.key, letter=True, salutation=f"Dear {first}:" if rng.random() < 0.5
                      else "Dear Provider:", accent=case.payer.color)


def remittance_eob(case: Case, rng: random.Random, *, patient: Patient, when: date, member: bool = True,
                   with_claim: bool = True) -> DocContent:
    pr = Printer(rng)
    f: dict = {}
    kvs = _patient_kvs(patient, pr, f, with_dob=False)
    if member:
        kvs.append(KV(pr.label("member_id"), print_member_id(patient.member_id, rng), "member_id"))
        f["member_id"] = patient.member_id
    f["payer_name"] = case.payer.name
    kvs.append(KV(rng.choice(["Group #", "Group Number"]), patient.group_number, "group_number"))
    f["group_number"] = patient.group_number
    if with_claim:
        kvs.append(KV(rng.choice(["Claim Number", "Claim #", "Claim ID"]), case.claim_number, "auth_number"))
        f["auth_number"] = case.claim_number
    kvs.append(KV("Provider", case.provider.practice))
    kvs.append(KV(rng.choice(["Statement Date", "Date Processed", "Date"]), pr.d(when), "document_date"))
    f["document_date"] = when.isoformat()
    rows = []
    totals = [0.0, 0.0, 0.0, 0.0]
    for c in case.cpts:
        billed = rng.randint(180, 4200) + 0.0
        allowed = round(billed * rng.uniform(0.35, 0.7), 2)
        paid = round(allowed * 0.8, 2)
        resp = round(allowed - paid, 2)
        for i, v in enumerate((billed, allowed, paid, resp)):
            totals[i] += v
        rows.append([pr.d(case.service_date), c, CPT[c][:28], f"${billed:,.2f}", f"${allowed:,.2f}", f"${paid:,.2f}",
                     f"${resp:,.2f}"])
    rows.append(["", "", "TOTAL", *[f"${t:,.2f}" for t in totals]])
    f["cpt_codes"] = list(case.cpts)
    f["service_date"] = case.service_date.isoformat()
    return DocContent("remittance_eob", rng.choice(["Explanation of Benefits", "EXPLANATION OF BENEFITS - THIS IS NOT A BILL",
                                                     "Provider Remittance Advice"]), case.payer.name,
                      [case.payer.address + ", " + case.payer.city_line, f"Customer Service {pr.phone(case.payer.phone)}"],
                      kvs, [("Remark codes", "CO-45: Charge exceeds fee schedule/maximum allowable. PR-2: Coinsurance "
                             "amount.")],
                      (["Service Date", "Code", "Description", "Billed", "Allowed", "Plan Paid", "You Owe"], rows), [],
                      None, f, patient.key, accent=case.payer.color)


def prescription(case: Case, rng: random.Random, *, patient: Patient, when: date, signed: bool = True) -> DocContent:
    from samples.content import DRUGS_RX
    pr = Printer(rng)
    f: dict = {}
    kvs = _patient_kvs(patient, pr, f)
    kvs.append(KV("Address", patient.address + ", " + patient.city_line))
    drug, sig, qty, refills, icds = rng.choice(DRUGS_RX)
    kvs += [KV("Rx", drug), KV("Sig", sig), KV("Qty", qty), KV("Refills", refills)]
    if rng.random() < 0.5:
        kvs.append(KV(rng.choice(["Dx", "Diagnosis"]), icds[0], "icd10_codes"))
        f["icd10_codes"] = [icds[0]]
    kvs += _provider_kvs(case.provider, pr, f, label=rng.choice(["Prescriber", "Prescribing Physician", "Provider"]))
    kvs.append(KV("DEA #", f"{rng.choice('ABFM')}{case.provider.person.family[0]}{rng.randint(1000000, 9999999)}"))
    kvs.append(KV("Date", pr.d(when), "document_date"))
    f["document_date"] = when.isoformat()
    f["signature_present"] = signed
    return DocContent("prescription", rng.choice(["Prescription", "Rx", "Outpatient Prescription"]),
                      case.provider.practice, _org_lines(case.provider, pr), kvs,
                      [("", rng.choice(["Substitution permitted.", "Dispense as written.", "Generic substitution allowed."]))],
                      None, [("Dispense as written", False)], _sign(case.provider, when, pr, signed, "Prescriber Signature"),
                      f, patient.key)


def discharge_summary(case: Case, rng: random.Random, *, patient: Patient, when: date) -> DocContent:
    pr = Printer(rng)
    f: dict = {}
    kvs = _patient_kvs(patient, pr, f)
    kvs.append(KV("MRN", patient.mrn))
    admit = when - timedelta(days=rng.randint(2, 6))
    kvs.append(KV("Admission Date", pr.d(admit)))
    kvs.append(KV("Discharge Date", pr.d(when), "document_date"))
    f["document_date"] = when.isoformat()
    att = f"{rng.choice(['Helen', 'David', 'Rosa', 'Michael'])} {rng.choice(['Ortiz', 'Brennan', 'Sato', 'Fischer'])}, MD"
    kvs.append(KV("Attending", att))
    dx = rng.choice([["J18.9", "J44.9"], ["I48.91", "I10"], ["E11.65", "N18.30"], ["J18.9", "E87.1"]])
    f["icd10_codes"] = dx
    sections = [("Discharge Diagnoses", "; ".join(f"{ICD10[c]} ({c})" for c in dx)),
                ("Hospital Course", "The patient was admitted for management of " + ICD10[dx[0]].lower() + ". "
                 "Treated with intravenous therapy with steady improvement. Diet advanced and tolerated. "
                 "Ambulating independently at discharge."),
                ("Procedures", rng.choice(["None.", "Chest radiograph, echocardiogram.", "Peripheral IV placement."])),
                ("Discharge Medications", "Continue home medications. New: amoxicillin-clavulanate 875 mg BID x 5 days."),
                ("Follow-Up", "Primary care follow-up within 7 days. Return precautions reviewed."),
                ("Condition at Discharge", "Stable.")]
    f["signature_present"] = True
    return DocContent("discharge_summary", "Discharge Summary", rng.choice(["St. Anne Regional Hospital",
                                                                            "Riverside General Hospital",
                                                                            "Mercy Medical Center"]),
                      ["Department of Medicine"], kvs, sections, None, [],
                      Signature("electronic", att, pr.d(when), "Electronically signed"), f, patient.key, n_pages=2)


def other_document(case: Case, rng: random.Random, *, patient: Patient, when: date) -> DocContent:
    pr = Printer(rng)
    f: dict = {}
    kind = rng.randint(0, 2)
    kvs = _patient_kvs(patient, pr, f, with_dob=rng.random() < 0.5)
    kvs.append(KV("Date", pr.d(when), "document_date"))
    f["document_date"] = when.isoformat()
    if kind == 0:
        title = "Request for Medical Records"
        sections = [("", "Please forward copies of office notes, laboratory results and imaging reports for the "
                     "patient named above for the period of the last 12 months. A signed authorization is on file."),
                    ("", "Records may be faxed to the number listed above. Thank you for your prompt attention.")]
    elif kind == 1:
        title = "Appointment Confirmation"
        sections = [("", f"This confirms your appointment on {pr.d(when + timedelta(days=rng.randint(5, 30)))} at "
                     f"{rng.randint(8, 4 + 12) % 12 or 12}:{rng.choice(['00', '15', '30', '45'])}. Please arrive 15 "
                     "minutes early and bring your insurance card, photo ID and a list of current medications."),
                    ("", "To cancel or reschedule, call at least 24 hours in advance.")]
    else:
        title = "Patient Education: Preparing for Your Visit"
        sections = [("", "Write down your symptoms, including when they started and what makes them better or worse."),
                    ("", "Bring all medicines, vitamins and supplements you take, or a complete list with doses."),
                    ("", "Ask a family member or friend to come with you if you can.")]
    return DocContent("other", title, case.provider.practice, _org_lines(case.provider, pr), kvs, sections, None, [],
                      None, f, patient.key, letter=rng.random() < 0.5, salutation="")
