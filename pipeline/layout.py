"""Layout analysis: key-value pairs, checkboxes, ruled tables and signature marks.

(Being built: for now it returns the page unchanged.)
"""

from __future__ import annotations

import numpy as np

from pipeline.model import Model, Page, PageSource


class LayoutOptions(Model):
    pass


def annotate(page: Page, image: np.ndarray, source: PageSource, options: LayoutOptions = LayoutOptions()) -> Page:
    """Return a copy of ``page`` with key_values, checkboxes, tables and signatures filled in.

    ``image`` is the page as a grayscale uint8 array with square pixels; one pixel is
    ``page.width / image.shape[1]`` points.
    """
    return page
