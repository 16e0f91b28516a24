"""The baseline page classifier: TF-IDF (words and character n-grams) + logistic regression.

Trained by ``models.train`` on exactly the transformer's training pages and scored on the same
held-out layouts, so the model card can put the two side by side. Not used in the pipeline.
"""

from __future__ import annotations

from typing import Sequence

from models.labels import LABELS
from pipeline.model import PagePrediction


class TfidfBaseline:
    def __init__(self, seed: int = 0) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import FeatureUnion, make_pipeline

        features = FeatureUnion([
            ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=50000)),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True,
                                      max_features=80000)),
        ])
        self.pipeline = make_pipeline(features, LogisticRegression(C=10.0, max_iter=2000, random_state=seed))

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> "TfidfBaseline":
        self.pipeline.fit(list(texts), list(labels))
        return self

    def predict_texts(self, texts: Sequence[str]) -> list[PagePrediction]:
        if not texts:
            return []
        probs = self.pipeline.predict_proba(list(texts))
        classes = list(self.pipeline.classes_)
        out = []
        for row in probs:
            best = int(row.argmax())
            label = classes[best] if classes[best] in LABELS else "other"
            out.append(PagePrediction(type=label, confidence=round(float(row[best]), 4)))
        return out
