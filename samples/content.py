"""Fake but realistic content: people, providers, payers, identifiers, codes, and the ways
they are printed (date formats, name orders, phone styles).

Everything takes a ``random.Random`` so a packet is reproducible from its seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from faker import Faker

# --------------------------------------------------------------------------- identifiers


def npi_check_digit(first9: str) -> int:
    """Luhn check digit of an NPI: computed over "80840" + the first 9 digits."""
    digits = [int(c) for c in "80840" + first9]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10


def npi_is_valid(npi: str) -> bool:
    return len(npi) == 10 and npi.isdigit() and npi_check_digit(npi[:9]) == int(npi[9])


def make_npi(rng: random.Random, valid: bool = True) -> str:
    first9 = rng.choice("12") + "".join(rng.choice("0123456789") for _ in range(8))
    check = npi_check_digit(first9)
    if not valid:
        check = (check + rng.randint(1, 9)) % 10
    return first9 + str(check)


def make_phone(rng: random.Random) -> str:
    """A 10-digit NANP number (area code and exchange not starting with 0/1)."""
    area = f"{rng.randint(2, 9)}{rng.randint(0, 9)}{rng.randint(0, 9)}"
    exch = f"{rng.randint(2, 9)}{rng.randint(0, 9)}{rng.randint(0, 9)}"
    return area + exch + f"{rng.randint(0, 9999):04d}"


def fmt_phone(digits: str, rng: random.Random) -> str:
    a, b, c = digits[:3], digits[3:6], digits[6:]
    return rng.choice([f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}", f"{a} {b} {c}", f"1-{a}-{b}-{c}"])


def make_member_id(rng: random.Random, style: str) -> str:
    L = "ABCDEFGHJKLMNPRSTUVWXYZ"
    D = "0123456789"
    if style == "prefix3":
        return "".join(rng.choice(L) for _ in range(3)) + "".join(rng.choice(D) for _ in range(9))
    if style == "w":
        return "W" + "".join(rng.choice(D) for _ in range(9))
    if style == "mbi":
        return (rng.choice("123456789") + rng.choice(L) + rng.choice(L + D) + rng.choice(D) + "-" +
                rng.choice(L) + rng.choice(L + D) + rng.choice(D) + "-" + rng.choice(L) + rng.choice(L) +
                rng.choice(D) + rng.choice(D))
    if style == "numeric":
        return "".join(rng.choice(D) for _ in range(11))
    return "".join(rng.choice(L) for _ in range(2)) + "".join(rng.choice(D) for _ in range(8)) + "0" + rng.choice("123")


def print_member_id(mid: str, rng: random.Random) -> str:
    """Some forms print the member id in groups separated by spaces (truth removes spaces)."""
    if "-" not in mid and len(mid) >= 10 and rng.random() < 0.2:
        return mid[:3] + " " + mid[3:7] + " " + mid[7:]
    return mid


def make_auth_number(rng: random.Random, year: int) -> str:
    D = "0123456789"
    style = rng.randint(0, 4)
    if style == 0:
        return f"PA{year}" + "".join(rng.choice(D) for _ in range(7))
    if style == 1:
        return "A" + "".join(rng.choice(D) for _ in range(9))
    if style == 2:
        return f"{year}" + "".join(rng.choice(D) for _ in range(4)) + "-" + "".join(rng.choice(D) for _ in range(5))
    if style == 3:
        return "UM" + "".join(rng.choice(D) for _ in range(8))
    return "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(2)) + "".join(rng.choice(D) for _ in range(8))


def make_claim_number(rng: random.Random, year: int) -> str:
    return f"{year % 100:02d}" + "".join(rng.choice("0123456789") for _ in range(11))


# --------------------------------------------------------------------------- printing styles

DATE_STYLES = ["mdY", "mdy_short", "long", "dmonY", "iso", "mon_d_Y", "mdY_dash"]


def fmt_date(d: date, style: str) -> str:
    if style == "mdY":
        return d.strftime("%m/%d/%Y")
    if style == "mdy_short":
        return f"{d.month}/{d.day}/{d.strftime('%y')}"
    if style == "long":
        return f"{d.strftime('%B')} {d.day}, {d.year}"
    if style == "dmonY":
        return d.strftime("%d-%b-%Y")
    if style == "iso":
        return d.isoformat()
    if style == "mon_d_Y":
        return f"{d.strftime('%b')} {d.day}, {d.year}"
    if style == "mdY_dash":
        return d.strftime("%m-%d-%Y")
    raise ValueError(f"unknown date style {style!r}")


NAME_STYLES = ["LAST_FIRST_MI", "First MI. Last", "Last, First", "First Last", "FIRST LAST", "Last, First MI"]


@dataclass(frozen=True)
class Person:
    given: str
    middle: str  # initial letter or ""
    family: str

    def printed(self, style: str) -> tuple[str, str]:
        """(text as printed, truth normal form "Given [M] Family")."""
        g, m, f = self.given, self.middle, self.family
        with_mi = f"{g} {m} {f}" if m else f"{g} {f}"
        if style == "LAST_FIRST_MI":
            return (f"{f.upper()}, {g.upper()}" + (f" {m}" if m else ""), with_mi)
        if style == "First MI. Last":
            return ((f"{g} {m}. {f}" if m else f"{g} {f}"), with_mi)
        if style == "Last, First":
            return (f"{f}, {g}", f"{g} {f}")
        if style == "First Last":
            return (f"{g} {f}", f"{g} {f}")
        if style == "FIRST LAST":
            return (f"{g.upper()} {f.upper()}", f"{g} {f}")
        if style == "Last, First MI":
            return (f"{f}, {g}" + (f" {m}" if m else ""), with_mi)
        raise ValueError(f"unknown name style {style!r}")


@dataclass
class Patient:
    key: str
    person: Person
    dob: date
    sex: str
    address: str
    city_line: str
    phone: str
    member_id: str
    group_number: str
    mrn: str


@dataclass
class Provider:
    person: Person
    credential: str  # MD, DO, NP, PA-C
    npi: str
    specialty: str
    practice: str
    address: str
    city_line: str
    phone: str
    fax: str

    def printed(self, rng: random.Random) -> tuple[str, str]:
        p = self.person
        style = rng.randint(0, 5)
        truth = f"{p.given} {p.middle} {p.family}" if p.middle else f"{p.given} {p.family}"
        if style == 0:
            return (f"{p.given} {p.middle + '. ' if p.middle else ''}{p.family}, {self.credential}", truth)
        if style == 1 and self.credential in ("MD", "DO"):
            return (f"Dr. {p.given} {p.family}", f"{p.given} {p.family}")
        if style == 2:
            return (f"{p.family.upper()}, {p.given.upper()}{' ' + p.middle if p.middle else ''} {self.credential}", truth)
        if style == 3:
            return (f"{p.family}, {p.given} {self.credential}", f"{p.given} {p.family}")
        return (f"{p.given} {p.family}, {self.credential}", f"{p.given} {p.family}")


@dataclass
class Payer:
    name: str
    short: str
    color: tuple[int, int, int]
    member_style: str
    phone: str
    fax: str
    address: str
    city_line: str
    plan_types: list[str] = field(default_factory=list)


PAYERS = [
    ("Summit Health Plan", "SUMMIT", (0, 84, 147), "prefix3", ["PPO", "HMO", "EPO"]),
    ("BlueRiver Health", "BlueRiver", (0, 102, 204), "prefix3", ["PPO Plus", "Choice POS"]),
    ("Keystone Mutual Insurance", "KEYSTONE", (120, 24, 40), "w", ["Open Access", "PPO"]),
    ("Pacific Crest Health", "Pacific Crest", (0, 120, 110), "alpha2", ["HMO Select", "Gold PPO"]),
    ("Evergreen Medicare Advantage", "Evergreen MA", (34, 110, 50), "mbi", ["Medicare Advantage HMO", "MAPD PPO"]),
    ("Lakeshore Community Health Plan", "Lakeshore", (70, 60, 140), "numeric", ["Medicaid Managed Care", "CHIP"]),
    ("Granite State Health Partners", "GRANITE", (90, 90, 90), "prefix3", ["Silver HMO", "Bronze HSA"]),
    ("Meridian Care Alliance", "Meridian", (200, 90, 20), "alpha2", ["Choice PPO", "Value HMO"]),
    ("Heartland Benefit Trust", "HEARTLAND", (150, 30, 30), "w", ["Self-Funded PPO"]),
]

SPECIALTIES_ORDERING = ["Family Medicine", "Internal Medicine", "Orthopedic Surgery", "Neurology", "Rheumatology",
                        "Hematology/Oncology", "Gastroenterology", "Pain Management", "Primary Care"]

PRACTICE_SUFFIX = ["Medical Group", "Family Practice", "Health Associates", "Physicians", "Clinic",
                   "Specialty Care", "Internal Medicine", "Orthopedic Associates", "Neurology Associates",
                   "Oncology & Hematology", "Rheumatology Center"]


class ContentFactory:
    """Creates people and organisations for one packet, deterministically from its seed."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.fake = Faker("en_US")
        self.fake.seed_instance(seed)

    def person(self, sex: str | None = None) -> Person:
        sex = sex or self.rng.choice("FM")
        given = self.fake.first_name_female() if sex == "F" else self.fake.first_name_male()
        middle = self.rng.choice("ABCDEFGHJKLMNPRSTW") if self.rng.random() < 0.6 else ""
        family = self.fake.last_name()
        return Person(given, middle, family)

    def city_line(self) -> str:
        return f"{self.fake.city()}, {self.fake.state_abbr(include_territories=False)} {self.fake.zipcode()}"

    def payer(self) -> Payer:
        name, short, color, mstyle, plans = self.rng.choice(PAYERS)
        return Payer(name, short, color, mstyle, make_phone(self.rng), make_phone(self.rng),
                     f"PO Box {self.rng.randint(1000, 99999)}", self.city_line(), plans)

    def patient(self, key: str, payer: Payer, today: date, sex: str | None = None) -> Patient:
        sex = sex or self.rng.choice("FM")
        age_days = self.rng.randint(19 * 365, 84 * 365)
        dob = today - timedelta(days=age_days)
        group = self.rng.choice([
            f"{self.rng.randint(10000, 999999)}",
            f"{self.rng.randint(100000, 999999)}-{self.rng.randint(1, 99):03d}",
            f"GRP{self.rng.randint(1000, 99999)}",
            f"{self.rng.choice('ABCDEFGHKLMNPRSTW')}{self.rng.randint(1000, 9999)}{self.rng.choice('ABCDEFGH')}",
        ])
        return Patient(
            key=key, person=self.person(sex), dob=dob, sex=sex,
            address=self.fake.street_address(), city_line=self.city_line(),
            phone=make_phone(self.rng), member_id=make_member_id(self.rng, payer.member_style),
            group_number=group, mrn=f"{self.rng.randint(100000, 9999999)}",
        )

    def provider(self, specialty: str | None = None, valid_npi: bool = True) -> Provider:
        person = self.person()
        cred = self.rng.choice(["MD", "MD", "MD", "DO", "NP", "PA-C"])
        spec = specialty or self.rng.choice(SPECIALTIES_ORDERING)
        practice = f"{self.fake.last_name()} {self.rng.choice(PRACTICE_SUFFIX)}"
        if self.rng.random() < 0.35:
            practice = f"{self.fake.city()} {self.rng.choice(PRACTICE_SUFFIX)}"
        return Provider(person, cred, make_npi(self.rng, valid_npi), spec, practice,
                        self.fake.street_address(), self.city_line(), make_phone(self.rng), make_phone(self.rng))


# --------------------------------------------------------------------------- clinical content

ICD10 = {
    "M54.50": "Low back pain, unspecified",
    "M54.16": "Radiculopathy, lumbar region",
    "M51.26": "Other intervertebral disc displacement, lumbar region",
    "M48.061": "Spinal stenosis, lumbar region without neurogenic claudication",
    "G43.909": "Migraine, unspecified, not intractable, without status migrainosus",
    "R51.9": "Headache, unspecified",
    "R42": "Dizziness and giddiness",
    "R10.9": "Unspecified abdominal pain",
    "R10.31": "Right lower quadrant pain",
    "K57.30": "Diverticulosis of large intestine without perforation or abscess without bleeding",
    "M25.561": "Pain in right knee",
    "M23.205": "Derangement of unspecified medial meniscus due to old tear, right knee",
    "M75.101": "Unspecified rotator cuff tear of right shoulder, not specified as traumatic",
    "M25.511": "Pain in right shoulder",
    "R91.1": "Solitary pulmonary nodule",
    "R05.9": "Cough, unspecified",
    "M05.79": "Rheumatoid arthritis with rheumatoid factor of multiple sites",
    "M06.9": "Rheumatoid arthritis, unspecified",
    "K50.90": "Crohn's disease, unspecified, without complications",
    "C50.911": "Malignant neoplasm of unspecified site of right female breast",
    "C18.9": "Malignant neoplasm of colon, unspecified",
    "C90.00": "Multiple myeloma not having achieved remission",
    "G35": "Multiple sclerosis",
    "D50.9": "Iron deficiency anemia, unspecified",
    "I10": "Essential (primary) hypertension",
    "I48.91": "Unspecified atrial fibrillation",
    "R00.2": "Palpitations",
    "E11.9": "Type 2 diabetes mellitus without complications",
    "E11.65": "Type 2 diabetes mellitus with hyperglycemia",
    "E05.90": "Thyrotoxicosis, unspecified, without thyrotoxic crisis",
    "G40.909": "Epilepsy, unspecified, not intractable, without status epilepticus",
    "K21.9": "Gastro-esophageal reflux disease without esophagitis",
    "R19.7": "Diarrhea, unspecified",
    "E78.5": "Hyperlipidemia, unspecified",
    "J44.9": "Chronic obstructive pulmonary disease, unspecified",
    "N18.30": "Chronic kidney disease, stage 3 unspecified",
    "J18.9": "Pneumonia, unspecified organism",
    "E87.1": "Hypo-osmolality and hyponatremia",
    "G47.33": "Obstructive sleep apnea (adult) (pediatric)",
}

CPT = {
    "70551": "MRI brain without contrast",
    "70553": "MRI brain without and with contrast",
    "70450": "CT head/brain without contrast",
    "72148": "MRI lumbar spine without contrast",
    "72158": "MRI lumbar spine without and with contrast",
    "72141": "MRI cervical spine without contrast",
    "74177": "CT abdomen and pelvis with contrast",
    "74176": "CT abdomen and pelvis without contrast",
    "73721": "MRI lower extremity joint without contrast",
    "73221": "MRI upper extremity joint without contrast",
    "71250": "CT chest without contrast",
    "71260": "CT chest with contrast",
    "78815": "PET/CT imaging, skull base to mid-thigh",
    "96413": "Chemotherapy administration, IV infusion, up to 1 hour",
    "96365": "IV infusion, therapeutic, initial, up to 1 hour",
    "96415": "Chemotherapy administration, IV infusion, each additional hour",
    "99204": "Office/outpatient visit, new patient, moderate MDM",
    "99244": "Office consultation, moderate MDM",
    "99214": "Office/outpatient visit, established patient, moderate MDM",
    "J1745": "Injection, infliximab, excludes biosimilar, 10 mg",
    "J9035": "Injection, bevacizumab, 10 mg",
    "J9355": "Injection, trastuzumab, excludes biosimilar, 10 mg",
    "J9271": "Injection, pembrolizumab, 1 mg",
    "J2350": "Injection, ocrelizumab, 1 mg",
    "J1439": "Injection, ferric carboxymaltose, 1 mg",
    "J9041": "Injection, bortezomib, 0.1 mg",
    "J0129": "Injection, abatacept, 10 mg",
    "J3380": "Injection, vedolizumab, 1 mg",
    "E0601": "Continuous positive airway pressure (CPAP) device",
}


@dataclass(frozen=True)
class ImagingScenario:
    complaint: str
    icds: tuple[str, ...]
    cpts: tuple[str, ...]
    body: str
    hpi: str
    exam: str
    findings: str
    impression: str


IMAGING = [
    ImagingScenario("low back pain radiating to the left leg", ("M54.50", "M54.16", "M51.26"), ("72148", "72158"),
                    "lumbar spine",
                    "reports {weeks} weeks of low back pain radiating down the left leg to the foot, with numbness in the "
                    "L5 distribution. Symptoms persist despite {pt_weeks} weeks of physical therapy, NSAIDs and a "
                    "home exercise program.",
                    "Positive straight leg raise on the left at 40 degrees. Diminished sensation over the dorsum of the "
                    "left foot. Strength 5/5 except EHL 4/5 on the left. Reflexes symmetric.",
                    "Disc desiccation at L4-L5 with a left paracentral disc extrusion contacting the traversing left L5 "
                    "nerve root. Mild facet arthropathy at L5-S1. No fracture.",
                    "Left paracentral disc extrusion at L4-L5 with mass effect on the left L5 nerve root."),
    ImagingScenario("recurrent headaches", ("G43.909", "R51.9", "R42"), ("70551", "70553"), "brain",
                    "describes new daily headaches for {weeks} weeks, worse in the morning, with intermittent "
                    "dizziness. Headaches have changed in character compared with her usual migraines and have not "
                    "responded to triptans.",
                    "Alert and oriented. Cranial nerves II-XII intact. No papilledema on fundoscopic exam. Gait normal, "
                    "Romberg negative.",
                    "No acute intracranial hemorrhage, mass effect or midline shift. Few nonspecific T2 hyperintense "
                    "foci in the subcortical white matter. Ventricles normal in size.",
                    "No acute intracranial abnormality. Few nonspecific white matter foci, likely microvascular."),
    ImagingScenario("abdominal pain", ("R10.9", "R10.31", "K57.30"), ("74177", "74176"), "abdomen and pelvis",
                    "presents with {weeks} weeks of intermittent right lower quadrant abdominal pain with bloating and "
                    "altered bowel habits. Labs showed mild leukocytosis. Ultrasound was nondiagnostic.",
                    "Abdomen soft, tenderness to palpation in the right lower quadrant without rebound or guarding. "
                    "Bowel sounds present.",
                    "Scattered sigmoid diverticula without surrounding inflammation. Appendix is normal. No free fluid "
                    "or lymphadenopathy.",
                    "Sigmoid diverticulosis without diverticulitis. Normal appendix."),
    ImagingScenario("right knee pain with locking", ("M25.561", "M23.205"), ("73721",), "right knee",
                    "reports right knee pain for {weeks} weeks after a twisting injury, with intermittent locking and "
                    "swelling. Failed {pt_weeks} weeks of conservative management including bracing and physical "
                    "therapy.",
                    "Medial joint line tenderness, positive McMurray test, small effusion. Ligaments stable.",
                    "Complex tear of the posterior horn of the medial meniscus. Small joint effusion. Cruciate and "
                    "collateral ligaments intact.",
                    "Complex tear of the posterior horn of the medial meniscus."),
    ImagingScenario("right shoulder pain and weakness", ("M25.511", "M75.101"), ("73221",), "right shoulder",
                    "has right shoulder pain for {weeks} weeks with weakness on overhead activity and night pain. "
                    "A subacromial injection gave only temporary relief.",
                    "Painful arc 70-120 degrees, positive drop-arm test, external rotation strength 4/5.",
                    "Full-thickness tear of the supraspinatus tendon with 1.2 cm retraction. Mild AC joint arthrosis.",
                    "Full-thickness supraspinatus tear with mild retraction."),
    ImagingScenario("pulmonary nodule follow-up", ("R91.1", "R05.9"), ("71250", "71260"), "chest",
                    "has a 7 mm solitary pulmonary nodule in the right upper lobe found incidentally {weeks} weeks ago, "
                    "with a persistent dry cough. Former smoker, 30 pack-years.",
                    "Lungs clear to auscultation bilaterally. No clubbing or lymphadenopathy.",
                    "7 mm solid nodule in the right upper lobe, unchanged. No new nodules. No mediastinal adenopathy.",
                    "Stable 7 mm right upper lobe nodule."),
]


@dataclass(frozen=True)
class InfusionScenario:
    condition: str
    icds: tuple[str, ...]
    jcode: str
    admin_cpt: str
    drug: str
    dose: str
    history: str
    labs: tuple[tuple[str, str, str, str], ...]  # (test, value, units, range)


INFUSION = [
    InfusionScenario("rheumatoid arthritis", ("M05.79", "M06.9"), "J1745", "96365", "infliximab (Remicade)",
                     "5 mg/kg IV at weeks 0, 2 and 6, then every 8 weeks",
                     "seropositive rheumatoid arthritis with active synovitis of the hands and wrists despite "
                     "methotrexate 20 mg weekly for 6 months and a trial of adalimumab, discontinued for inefficacy.",
                     (("CRP", "18.4", "mg/L", "0.0-5.0"), ("ESR", "42", "mm/hr", "0-20"),
                      ("Hepatitis B surface Ag", "Nonreactive", "", "Nonreactive"),
                      ("QuantiFERON-TB Gold", "Negative", "", "Negative"), ("WBC", "7.2", "K/uL", "4.0-11.0"))),
    InfusionScenario("Crohn's disease", ("K50.90",), "J1745", "96365", "infliximab",
                     "5 mg/kg IV at weeks 0, 2 and 6, then every 8 weeks",
                     "moderate to severe ileocolonic Crohn's disease with persistent diarrhea and weight loss despite "
                     "budesonide and azathioprine.",
                     (("CRP", "24.1", "mg/L", "0.0-5.0"), ("Albumin", "3.1", "g/dL", "3.5-5.0"),
                      ("Hemoglobin", "10.9", "g/dL", "12.0-15.5"), ("QuantiFERON-TB Gold", "Negative", "", "Negative"))),
    InfusionScenario("HER2-positive breast cancer", ("C50.911",), "J9355", "96413", "trastuzumab",
                     "8 mg/kg loading dose, then 6 mg/kg IV every 3 weeks",
                     "HER2-positive invasive ductal carcinoma of the right breast, stage IIA, status post lumpectomy, "
                     "planned for adjuvant trastuzumab. Baseline echocardiogram LVEF 62%.",
                     (("WBC", "5.8", "K/uL", "4.0-11.0"), ("Hemoglobin", "12.6", "g/dL", "12.0-15.5"),
                      ("Platelets", "241", "K/uL", "150-400"), ("ALT", "22", "U/L", "7-35"),
                      ("Creatinine", "0.8", "mg/dL", "0.6-1.1"))),
    InfusionScenario("metastatic colon cancer", ("C18.9",), "J9035", "96413", "bevacizumab (Avastin)",
                     "5 mg/kg IV every 2 weeks with FOLFOX",
                     "adenocarcinoma of the sigmoid colon with hepatic metastases, KRAS wild type, starting first-line "
                     "therapy.",
                     (("CEA", "38.2", "ng/mL", "0.0-3.0"), ("Urine protein", "Negative", "", "Negative"),
                      ("Platelets", "212", "K/uL", "150-400"), ("Creatinine", "0.9", "mg/dL", "0.7-1.3"))),
    InfusionScenario("relapsing multiple sclerosis", ("G35",), "J2350", "96365", "ocrelizumab (Ocrevus)",
                     "300 mg IV on day 1 and day 15, then 600 mg every 6 months",
                     "relapsing-remitting multiple sclerosis with two clinical relapses in the past 12 months and new "
                     "enhancing lesions on MRI despite dimethyl fumarate.",
                     (("Hepatitis B surface Ag", "Nonreactive", "", "Nonreactive"),
                      ("Hepatitis B core Ab", "Nonreactive", "", "Nonreactive"), ("IgG", "912", "mg/dL", "700-1600"),
                      ("WBC", "6.1", "K/uL", "4.0-11.0"))),
    InfusionScenario("iron deficiency anemia", ("D50.9",), "J1439", "96365", "ferric carboxymaltose (Injectafer)",
                     "750 mg IV, two doses at least 7 days apart",
                     "iron deficiency anemia with intolerance to oral iron (severe GI upset with ferrous sulfate and "
                     "ferrous gluconate) and ongoing menorrhagia.",
                     (("Hemoglobin", "8.7", "g/dL", "12.0-15.5"), ("Ferritin", "6", "ng/mL", "15-150"),
                      ("Iron saturation", "5", "%", "15-50"), ("MCV", "71", "fL", "80-100"))),
    InfusionScenario("multiple myeloma", ("C90.00",), "J9041", "96413", "bortezomib (Velcade)",
                     "1.3 mg/m2 subcutaneous/IV on days 1, 4, 8 and 11 of a 21-day cycle",
                     "newly diagnosed IgG kappa multiple myeloma with anemia and lytic lesions, planned for induction "
                     "therapy.",
                     (("M-spike", "3.2", "g/dL", "0.0"), ("Calcium", "10.8", "mg/dL", "8.5-10.2"),
                      ("Creatinine", "1.3", "mg/dL", "0.6-1.1"), ("Hemoglobin", "9.4", "g/dL", "12.0-15.5"))),
]


@dataclass(frozen=True)
class ReferralScenario:
    specialty: str
    reason: str
    icds: tuple[str, ...]
    cpts: tuple[str, ...]


REFERRALS = [
    ReferralScenario("Cardiology", "palpitations and newly detected atrial fibrillation on ECG", ("I48.91", "R00.2", "I10"),
                     ("99204", "99244")),
    ReferralScenario("Endocrinology", "uncontrolled type 2 diabetes, HbA1c 9.8% on two oral agents", ("E11.65", "E11.9"),
                     ("99204",)),
    ReferralScenario("Neurology", "new-onset seizure-like episodes", ("G40.909",), ("99244",)),
    ReferralScenario("Gastroenterology", "chronic reflux symptoms unresponsive to PPI therapy", ("K21.9", "R19.7"),
                     ("99204",)),
    ReferralScenario("Rheumatology", "inflammatory polyarthritis with elevated CRP", ("M06.9",), ("99244",)),
    ReferralScenario("Endocrinology", "suppressed TSH and weight loss, suspected hyperthyroidism", ("E05.90",),
                     ("99204",)),
    ReferralScenario("Nephrology", "progressive chronic kidney disease stage 3", ("N18.30", "I10"), ("99204",)),
]

DRUGS_RX = [
    ("Lisinopril 10 mg tablet", "Take 1 tablet by mouth once daily", "30", "3", ("I10",)),
    ("Metformin 500 mg tablet", "Take 1 tablet by mouth twice daily with meals", "60", "5", ("E11.9",)),
    ("Atorvastatin 40 mg tablet", "Take 1 tablet by mouth at bedtime", "90", "1", ("E78.5",)),
    ("Sumatriptan 50 mg tablet", "Take 1 tablet at migraine onset; may repeat once after 2 hours", "9", "2",
     ("G43.909",)),
    ("Cyclobenzaprine 10 mg tablet", "Take 1 tablet by mouth at bedtime as needed for muscle spasm", "30", "0",
     ("M54.50",)),
    ("Tiotropium 18 mcg inhalation capsule", "Inhale contents of 1 capsule once daily", "30", "11", ("J44.9",)),
    ("Omeprazole 20 mg capsule", "Take 1 capsule by mouth daily before breakfast", "30", "3", ("K21.9",)),
]
