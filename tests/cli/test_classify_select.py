"""framing classify evaluate --select: the multi-label frame pipeline chosen by inner CV."""

from __future__ import annotations

import pandas as pd
import pytest

from framing.cli.classify import main
from framing.vocab import DEFAULTS

from .test_classify_options import _parse, data_csv  # noqa: F401  (fixture)


def test_select_default_and_const():
    assert _parse(["evaluate", "d.csv", "--label", "A,B"]).select == DEFAULTS["frame_select"] == ""
    assert _parse(["evaluate", "d.csv", "--label", "A,B", "--select"]).select == "grid"
    assert _parse(["evaluate", "d.csv", "--label", "A,B", "--select", "stacked,independent C=3"]).select == \
        "stacked,independent C=3"


def test_select_evaluation(tmp_path, data_csv, capsys):  # noqa: F811
    selection = tmp_path / "selection.csv"
    assert main(["evaluate", str(data_csv), "--label", "RE,CO", "--folds-column", "fold", "--no-char", "--no-cues",
                 "--select", "independent C=1, stacked+blend, independent C=0.3|3",
                 "--selection-output", str(selection)]) == 0
    out = capsys.readouterr().out
    assert "the pipeline chosen by inner CV in each training fold from 3 variants (RE, CO)" in out
    assert "chosen per fold (inner-CV macro-F1): 0: " in out
    table = pd.read_csv(selection)
    assert table["variant"].tolist()[:3] == ["independent C=1", "stacked+blend", "independent C=0.3|3"]
    assert len(table) == 9 and table.groupby("fold")["selected"].sum().eq(1).all()


@pytest.mark.parametrize("extra,message", [
    (["--label", "RE", "--select"], r"--select chooses the pipeline of multi-label frames; give several 0/1 label "
                                    r"columns"),
    (["--label", "RE,CO", "--select", "grid", "--C", "0.3", "1"], r"--C 0.3 1: --select sets C per variant"),
    (["--label", "RE,CO", "--select", "stacked+auxiliary C=3"], r"--select: variant\(s\) 'stacked\+auxiliary C=3' "
                                                                r"use the coders' answers"),
    (["--label", "RE,CO", "--select", "chained"], r"select: 'chained' is not a variant name"),
    (["--label", "RE,CO", "--selection-output", "s.csv"], r"--selection-output writes the table of --select"),
])
def test_select_errors(data_csv, capsys, extra, message):  # noqa: F811
    import re

    assert main(["evaluate", str(data_csv), "--folds-column", "fold", "--no-char", "--no-cues", *extra]) == 1
    assert re.search(message, capsys.readouterr().err)
