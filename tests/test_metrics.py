"""Gold matching of extracted items (extract/metrics.py): one-to-one, optional items neither required nor wrong."""
from __future__ import annotations

import pytest

from extract.metrics import match_items, same_deadline, same_frequency

# (gold, predicted, same, (tp, fp, fn))
CASES = [
    # an optional item (a date without a year) must not take the hit of a required one of the same value
    ([{"text": "4月20日前", "end": "2024-04-20", "optional": True}, {"text": "2024年4月20日", "end": "2024-04-20"}],
     [{"text": "4月20日前", "optional": True}, {"text": "2024年4月20日", "end": "2024-04-20"}], same_deadline, (1, 0, 0)),
    ([{"text": "2024年底前", "end": "2024-12-31"}], [{"text": "2024年底前", "end": "2024-12-31"}], same_deadline, (1, 0, 0)),
    ([{"text": "2024年底前", "end": "2024-12-31"}], [], same_deadline, (0, 0, 1)),
    ([], [{"text": "2024年", "start": "2024-01-01", "end": "2024-12-31"}], same_deadline, (0, 1, 0)),
    # a predicted item inside an optional gold text is not counted wrong
    ([{"text": "完成时限：12月31日", "optional": True}], [{"text": "12月31日", "optional": True}], same_deadline, (0, 0, 0)),
    # frequencies are the same when their yearly rates are (year×2 = half_year×1)
    ([{"period": "half_year", "count": 1}], [{"period": "year", "count": 2}], same_frequency, (1, 0, 0)),
    ([{"period": "month", "count": 1}, {"period": "month", "count": 1}], [{"period": "month", "count": 1}],
     same_frequency, (1, 0, 1)),
]


@pytest.mark.parametrize("gold,pred,same,want", CASES)
def test_match_items(gold, pred, same, want):
    got = match_items(gold, pred, same)
    assert (got.tp, got.fp, got.fn) == want
