"""framing.report.html.validation_readings: key columns and a reading per category."""

from __future__ import annotations

import pandas as pd
import pytest

from framing.lexicon.validate import read_sheet
from framing.report.html import VALIDATION_READING_COLUMNS, validation_readings
from framing.stats.validation import validate_sheets
from tests.paths import FIXTURES


def _result():
    sheets = [read_sheet(FIXTURES / "validation" / name) for name in ("alice.csv", "bob.csv")]
    return validate_sheets(sheets, n_resamples=199, random_state=3)


def test_one_reading_per_category_from_the_tables():
    result = _result()
    table = validation_readings(result.precision, result.agreement)
    assert tuple(table.columns) == VALIDATION_READING_COLUMNS
    cons = result.precision[(result.precision["coder"] == "(consensus)") & (result.precision["level"] != "entry")]
    assert len(table) == len(cons) and table["category"].iloc[0] == "(all hits)"
    row = cons[cons["level"] == "category"].iloc[0]
    reading = table.loc[table["category"] == row["category"], "reading"].iloc[0]
    alpha = result.agreement.loc[result.agreement["scope"] == row["category"], "alpha"].iloc[0]
    assert reading.startswith(f"{row['category']}: {100 * row['precision']:.0f}% of sampled hits are the cue "
                              f"(95% CI {100 * row['ci_low']:.0f}\u2013{100 * row['ci_high']:.0f}%; ")
    if pd.notna(alpha):
        assert reading.endswith(f", \u03b1 = {alpha:.2f}")


def test_without_agreement_or_codes():
    result = _result()
    empty = result.agreement.iloc[0:0]
    table = validation_readings(result.precision, empty)
    assert "\u03b1" not in " ".join(table["reading"]) and set(table["alpha [CI]"]) == {"\u2013"}
    assert validation_readings(result.precision.iloc[0:0], empty).empty


def test_missing_columns_are_named():
    result = _result()
    with pytest.raises(ValueError, match=r"precision is missing column\(s\) n_ties"):
        validation_readings(result.precision.drop(columns="n_ties"), result.agreement)
    with pytest.raises(TypeError, match=r"agreement must be a pandas DataFrame, got list"):
        validation_readings(result.precision, [])
