"""The page classifier: offline loading, clear page types, devices, calibrated confidences."""

import pytest
import torch

from models.classifier import MODEL_NAME, WEIGHTS_DIR, WEIGHTS_FILE, ClassifierOptions, get_classifier, resolve_device
from pipeline.errors import IntakeError
from pipeline.model import Failure, Line, Page

# Written for this test, not taken from the training generator's templates.
CLEAR_PAGES = {
    "fax_cover_sheet": [
        "FACSIMILE TRANSMITTAL",
        "To: Prior Authorization Dept      Fax: (312) 555-0188",
        "From: Lakeshore Orthopedics       Fax: (312) 555-0142",
        "Number of pages including cover: 5",
        "CONFIDENTIALITY NOTICE: This facsimile contains protected health information. If you received it",
        "in error, notify the sender by telephone and destroy all copies.",
    ],
    "lab_result": [
        "Quest Valley Laboratories - Final Report",
        "Patient: Nora Finch   DOB: 09/30/1958   Collected: 02/11/2025 07:45",
        "Test                 Result    Flag   Units     Reference Range",
        "Hemoglobin A1c       7.9       H      %         4.0 - 5.6",
        "Glucose, fasting     162       H      mg/dL     70 - 99",
        "Creatinine           0.9              mg/dL     0.6 - 1.2",
        "Specimen: whole blood, serum. Results reviewed by laboratory director.",
    ],
    "prescription": [
        "Rx",
        "Patient: Nora Finch    DOB 09/30/1958",
        "Humira (adalimumab) 40 mg/0.4 mL pen",
        "Sig: inject 40 mg subcutaneously every other week",
        "Disp: 2 pens   Refills: 5   Substitution permitted",
        "Prescriber: Evan Marsh, MD   NPI 1558443321   DEA BM1234563",
    ],
    "payer_determination": [
        "Summit Health Plan",
        "PO Box 4410, Dayton, OH 45401",
        "Date: 03/02/2025",
        "Member: Nora Finch   Member ID: SHP99120034",
        "Re: Request for MRI right knee (CPT 73721)",
        "Determination: DENIED",
        "We reviewed the prior authorization request submitted by your provider. The request is denied because",
        "the records do not show six weeks of conservative treatment.",
        "Reference #: UM-2025-448812",
        "You may appeal this decision within 180 days.",
    ],
}


def make_page(lines: list[str], n: int = 1) -> Page:
    return Page(page=n, width=612, height=792, method="text_layer",
                lines=[Line(text=t, bbox=(72.0, 72.0 + 14 * i, 540.0, 84.0 + 14 * i)) for i, t in enumerate(lines)])


@pytest.fixture(scope="module")
def classifier():
    return get_classifier(ClassifierOptions(device="cpu"))


def test_weights_are_committed_and_small():
    path = WEIGHTS_DIR / WEIGHTS_FILE
    assert path.is_file()
    assert path.stat().st_size <= 50 * 1024 * 1024


def test_loads_offline_once_with_a_version(classifier, monkeypatch):
    assert classifier.version.startswith(f"{MODEL_NAME}+")
    assert classifier.device == "cpu"
    assert get_classifier(ClassifierOptions(device="cpu")) is classifier


def test_predicts_clearly_typed_pages(classifier):
    types = list(CLEAR_PAGES)
    predictions = classifier.predict([make_page(CLEAR_PAGES[t], i + 1) for i, t in enumerate(types)])
    assert [p.type for p in predictions] == types


def test_confidences_are_calibrated_probabilities(classifier):
    from models.classifier import layout_features, page_text

    pages = [make_page(lines, i + 1) for i, lines in enumerate(CLEAR_PAGES.values())]
    pages.append(make_page(["zzqx 4471 ...", "lorem ipsum dolor"], 9))
    predictions = classifier.predict(pages)
    assert all(0.0 <= p.confidence <= 1.0 for p in predictions)
    # the confidence is the top class of softmax(logits / T), T fitted on held-out pages
    assert 0.05 < classifier.temperature < 20
    logits = classifier.logits([page_text(p) for p in pages], [layout_features(p) for p in pages])
    probs = torch.softmax(logits / classifier.temperature, dim=1)
    assert torch.allclose(probs.sum(dim=1), torch.ones(len(pages)))
    assert [round(float(x), 4) for x in probs.max(dim=1).values] == [p.confidence for p in predictions]


def test_unreadable_page_is_other_with_zero_confidence(classifier):
    broken = Page(page=1, width=612, height=792, method="ocr",
                  error=Failure(code="E_OCR", message="tesseract failed on page 1"))
    [prediction] = classifier.predict([broken])
    assert prediction.type == "other" and prediction.confidence == 0.0
    assert classifier.predict([]) == []


def test_device_selection():
    if torch.cuda.is_available():
        assert resolve_device("auto") == "cuda"
        assert resolve_device("cuda") == "cuda"
    else:
        assert resolve_device("auto") == "cpu"
        with pytest.raises(IntakeError) as err:
            resolve_device("cuda")
        assert err.value.code == "E_DEVICE" and "'cuda'" in err.value.message and "--device cpu" in err.value.message
        with pytest.raises(IntakeError):
            get_classifier(ClassifierOptions(device="cuda"))
    assert resolve_device("cpu") == "cpu"
    with pytest.raises(IntakeError, match="tpu"):
        resolve_device("tpu")


def test_options_reject_unknown_settings():
    with pytest.raises(ValueError):
        ClassifierOptions(device="gpu")
    with pytest.raises(ValueError):
        ClassifierOptions(batchsize=8)


def test_character_channel_reads_shapes_not_digits_and_the_whole_page():
    from models.classifier import char_ngrams

    a, b, c = char_ngrams(["Member ID W123456789 DOB 01/02/1960", "Member ID W987654321 DOB 11/12/1971",
                           "Member ID W123456789 DOB 01/02/1960 " + "filler " * 300 + "Explanation of Benefits"], 4096)
    assert abs(float((a * a).sum()) - 1.0) < 1e-5
    assert (a == b).all()  # ids and dates differ only in digits: same shape
    assert float((a * c).sum()) < 0.99  # words past any token window still count


def test_character_channel_is_scikit_learns_hashing_vectorizer():
    """The weights were trained on HashingVectorizer's char_wb features; the faster path must be the
    same matrix, to the bit (short words, repeats, tabs, accents, empty pages)."""
    import numpy as np
    from sklearn.feature_extraction.text import HashingVectorizer

    from models.classifier import _fold_text, char_ngrams

    texts = ["", "a", "ab  cd\n\tef ab", "x" * 40, "Café Ñoño 12/03/2024  Dr. O'Neil, MD", "I 10 I10 110",
             "PRIOR AUTHORIZATION REQUEST\nMember ID: XJH123456789\nCPT 72148 x2 72148"]
    reference = HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5), n_features=4096, binary=True,
                                  alternate_sign=False, norm="l2", preprocessor=_fold_text, dtype=np.float32)
    assert np.array_equal(char_ngrams(texts, 4096), reference.transform(texts).toarray())
