"""Per-outlet repeated lines (framing.corpus.repeated)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from framing.corpus import find_repeated_lines, remove_repeated_lines
from framing.corpus.repeated import REPEATED_COLUMNS, line_key, segments
from framing.match.terms import term_matrix
from framing.text import count_tokens

BODY = [
    "The senate passed the bill after a long debate.",
    "Critics called the measure a reckless gamble.",
    "Supporters said the plan would protect families.",
    "The governor vetoed the proposal on Friday.",
    "Markets rose as investors weighed the news.",
    "Officials warned of a looming crisis at the border.",
    "The court struck down the law in a narrow ruling.",
    "Protesters gathered outside the capitol.",
    "The agency released new figures on Tuesday.",
    "Lawmakers clashed over the budget deficit.",
]


def tag(i: int) -> str:
    """A word unique to ``i`` (digits would all normalise to 0)."""
    return "".join(chr(97 + (i // 26 ** k) % 26) for k in range(3))


def corpus(n_docs: int, extra: dict[int, list[str]], outlet: str = "Daily", offset: int = 0) -> list[dict]:
    """n_docs documents of one outlet; ``extra[i]`` lines are added to document i."""
    rows = []
    for i in range(n_docs):
        lines = [f"Story {tag(offset + i)}: {BODY[i % len(BODY)]}",
                 f"Paragraph {tag(i)} says {BODY[(i + 3) % len(BODY)]}"]
        lines[1:1] = extra.get(i, [])
        rows.append({"doc_id": f"{outlet}-{i}", "outlet": outlet, "text": "\n".join(lines)})
    return rows


def frame(*parts: list[dict]) -> pd.DataFrame:
    return pd.DataFrame([row for part in parts for row in part])


def test_a_line_needs_min_docs_and_min_share_of_its_outlet():
    # 100 documents: a line in 5 (5%) is repeated, one in 4 (4%) is not
    f = frame(corpus(100, {**{i: ["Sign up for our newsletter"] for i in range(5)},
                           **{i: ["Read more"] for i in range(10, 14)}}))
    table = find_repeated_lines(f)
    assert table["line"].tolist() == ["sign up for our newsletter"]
    assert table.loc[0, ["n_docs", "outlet_docs", "n_removed"]].tolist() == [5, 100, 5]
    assert table.loc[0, "share"] == pytest.approx(0.05)
    # 20 documents: 2 (10%) are fewer than min_docs = 3; 3 are enough
    small = frame(corpus(20, {0: ["Advertisement"], 1: ["Advertisement"], 5: ["Listen"], 6: ["Listen"],
                              7: ["Listen"]}))
    assert find_repeated_lines(small)["line"].tolist() == ["listen"]
    assert find_repeated_lines(small, min_docs=2)["line"].tolist() == ["listen", "advertisement"]  # most documents first


def test_outlets_below_min_outlet_docs_are_untouched_and_outlets_are_separate():
    f = frame(corpus(9, {i: ["Advertisement"] for i in range(9)}, outlet="Tiny"),
              corpus(10, {i: ["Advertisement"] for i in range(3)}, outlet="Big"))
    table = find_repeated_lines(f)
    assert table[["outlet", "line", "n_docs"]].values.tolist() == [["Big", "advertisement", 3]]
    cleaned, _ = remove_repeated_lines(f)
    tiny = cleaned[cleaned["outlet"] == "Tiny"]
    assert tiny["text"].tolist() == f[f["outlet"] == "Tiny"]["text"].tolist()
    assert find_repeated_lines(f, min_outlet_docs=9)["outlet"].tolist() == ["Big", "Tiny"]


def test_keys_fold_case_digits_and_spaces():
    assert line_key("  Copyright ©  2019 The  Times, LLC. ") == line_key("COPYRIGHT © 2020 the times, llc.")
    assert line_key("Updated at 5:10 p.m. ET") == line_key("Updated at 12:45 p.m. ET") == "updated at 0 0 p m et"
    assert line_key("***") == "" and line_key("   ") == ""
    f = frame(corpus(20, {0: ["Copyright 2019 Daily"], 1: ["copyright 2020 DAILY"], 2: ["Copyright 2021  Daily"]}))
    table = find_repeated_lines(f)
    assert table[["line", "example", "n_docs"]].values.tolist() == [["copyright 0 daily", "Copyright 2019 Daily", 3]]


def test_removed_lines_move_to_boilerplate_in_order():
    rows = corpus(20, {i: ["Advertisement", "Click here to get the app"] for i in range(4)})
    rows[0]["boilerplate"] = "Photo: AP"
    f = frame(rows)
    cleaned, table = remove_repeated_lines(f)
    assert set(table["line"]) == {"advertisement", "click here to get the app"}
    assert cleaned.loc[0, "boilerplate"] == "Photo: AP\nAdvertisement\nClick here to get the app"
    assert cleaned.loc[1, "boilerplate"] == "Advertisement\nClick here to get the app"
    assert cleaned.loc[0, "text"] == f"Story {tag(0)}: {BODY[0]}\nParagraph {tag(0)} says {BODY[3]}"
    assert pd.isna(cleaned.loc[10, "boilerplate"]) and cleaned.loc[10, "text"] == f.loc[10, "text"]
    # the input is not modified; same rows, index and columns
    assert f.loc[0, "boilerplate"] == "Photo: AP" and "Advertisement" in f.loc[0, "text"]
    assert cleaned.index.equals(f.index) and list(cleaned.columns) == list(f.columns)
    assert list(table.columns) == list(REPEATED_COLUMNS)


def test_repeats_within_a_document_count_once_for_share_and_each_for_removal():
    f = frame(corpus(20, {0: ["Advertisement", "Advertisement"], 1: ["Advertisement"], 2: ["Advertisement"]}))
    cleaned, table = remove_repeated_lines(f)
    assert table.loc[0, ["n_docs", "n_removed"]].tolist() == [3, 4]
    assert "Advertisement" not in cleaned.loc[0, "text"]
    assert cleaned.loc[0, "boilerplate"] == "Advertisement\nAdvertisement"


def test_scores_change_only_by_the_removed_tokens():
    f = frame(corpus(30, {i: ["Story continued below: a reckless crisis"] for i in range(0, 30, 3)}))
    cleaned, table = remove_repeated_lines(f)
    assert table["n_removed"].sum() == 10
    before = [count_tokens(t) for t in f["text"]]
    after = [count_tokens(t) for t in cleaned["text"]]
    moved = [count_tokens(b) if isinstance(b, str) else 0 for b in cleaned["boilerplate"]]
    assert [a + m for a, m in zip(after, moved)] == before
    m_before = term_matrix(f)
    m_text = term_matrix(cleaned)
    m_plate = term_matrix(cleaned.assign(boilerplate=cleaned["boilerplate"].fillna("")), part="boilerplate")
    whole = pd.DataFrame(m_before.counts.toarray(), columns=m_before.terms)
    parts = (pd.DataFrame(m_text.counts.toarray(), columns=m_text.terms)
             .add(pd.DataFrame(m_plate.counts.toarray(), columns=m_plate.terms), fill_value=0))
    assert parts.reindex(columns=whole.columns).astype(int).equals(whole)
    from framing.match import score

    s_before = score(f, "framing-cues", voice="all").set_index(["doc_id", "category"])
    s_after = score(cleaned, "framing-cues", voice="all").set_index(["doc_id", "category"])
    s_plate = score(cleaned.assign(boilerplate=cleaned["boilerplate"].fillna("")), "framing-cues", voice="all",
                    part="boilerplate").set_index(["doc_id", "category"])
    assert (s_after["count"] + s_plate["count"]).equals(s_before["count"])
    untouched = [d for d, b in zip(cleaned["doc_id"], cleaned["boilerplate"]) if not isinstance(b, str)]
    assert s_after.loc[untouched].equals(s_before.loc[untouched])


def test_texts_without_line_breaks_are_cut_into_sentences():
    rows = [{"doc_id": str(i), "outlet": "Wire",
             "text": f"Story {tag(i)}. The Associated Press contributed to this report. {BODY[i % 10]}"
             if i < 4 else f"Story {tag(i)}. {BODY[i % 10]}"} for i in range(20)]
    f = pd.DataFrame(rows)
    assert len(segments(f.loc[0, "text"])) == 3
    cleaned, table = remove_repeated_lines(f, min_share=0.2)
    assert table["line"].tolist() == ["the associated press contributed to this report"]
    assert "Associated" not in cleaned.loc[0, "text"]
    assert cleaned.loc[0, "boilerplate"] == "The Associated Press contributed to this report."


def test_a_document_of_repeated_lines_only_is_left_with_no_text():
    rows = corpus(20, {i: ["Advertisement"] for i in range(5)})
    rows.append({"doc_id": "ad", "outlet": "Daily", "text": "Advertisement\n***\nAdvertisement"})
    cleaned, _ = remove_repeated_lines(frame(rows))
    assert cleaned.iloc[-1]["text"] == ""
    assert cleaned.iloc[-1]["boilerplate"] == "Advertisement\nAdvertisement"


def test_deterministic_and_independent_of_row_order():
    f = frame(corpus(40, {i: ["Advertisement"] for i in range(0, 40, 4)}, outlet="A"),
              corpus(30, {i: ["Sign up", "Listen"] for i in range(0, 30, 5)}, outlet="B"))
    one = find_repeated_lines(f)
    shuffled = f.sample(frac=1.0, random_state=np.random.default_rng(3)).reset_index(drop=True)
    two = find_repeated_lines(shuffled)
    assert one.drop(columns="example").equals(two.drop(columns="example"))
    assert one[["outlet", "line"]].values.tolist() == [["A", "advertisement"], ["B", "listen"], ["B", "sign up"]]
    a, _ = remove_repeated_lines(f)
    b, _ = remove_repeated_lines(f)
    assert a.equals(b)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"min_share": 0.0}, ValueError, r"min_share: expected a finite number in \(0, 1\], got 0.0"),
    ({"min_share": 1.5}, ValueError, r"min_share: expected a finite number in \(0, 1\], got 1.5"),
    ({"min_docs": 0}, ValueError, r"min_docs: expected an integer >= 1, got 0"),
    ({"min_docs": 2.0}, TypeError, r"min_docs: expected an integer >= 1, got"),
    ({"min_outlet_docs": True}, TypeError, r"min_outlet_docs: expected an integer >= 1, got"),
    ({"by": "lean"}, ValueError, r"frame: expected a column 'lean', got columns \['doc_id', 'outlet', 'text'\]"),
    ({"by": ""}, ValueError, r"by: expected a non-empty string, got ''"),
])
def test_bad_parameters_are_named(kwargs, error, match):
    f = frame(corpus(3, {}))
    with pytest.raises(error, match=match):
        remove_repeated_lines(f, **kwargs)


def test_a_frame_is_required():
    with pytest.raises(TypeError, match=r"frame: expected a pandas DataFrame \(corpus schema\), got list"):
        find_repeated_lines([{"doc_id": "a", "outlet": "x", "text": "y"}])
