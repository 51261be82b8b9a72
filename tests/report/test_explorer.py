import json

import pandas as pd
import pytest

from framing.report.explorer import explorer_data, render_explorer
from framing.report.html import ReportData, render_report


def corpus():
    return pd.DataFrame({
        "doc_id": ["a1", "a2", "b1", "b2"],
        "outlet": ["A", "A", "B", "B"],
        "text": ["It could rain. Then </script><b>it could</b> snow.", "Could be.", "They claimed it could.",
                 "Nothing here."],
    })


def hits_of(frame):
    rows = []
    for doc_id, outlet, text in zip(frame["doc_id"], frame["outlet"], frame["text"]):
        for entry, category in (("could", "hedging"), ("claimed", "doubt")):
            low, start = text.lower(), 0
            while (i := low.find(entry, start)) >= 0:
                rows.append(dict(doc_id=doc_id, outlet=outlet, part="text", category=category, entry=entry,
                                 matched_text=text[i:i + len(entry)], start=i, end=i + len(entry), negated=False))
                start = i + 1
    return pd.DataFrame(rows)


def test_entries_by_hits_with_passages_from_each_outlet_in_turn():
    frame = corpus()
    data = explorer_data(frame, hits_of(frame), per_entry=2)
    assert [(e["entry"], e["n"]) for e in data["entries"]] == [("could", 4), ("claimed", 1)]
    could = data["entries"][0]
    assert could["outlets"] == [["A", 3], ["B", 1]]
    assert [p[0] for p in could["passages"]] == ["a1", "b1"]  # one document of each outlet first
    doc, outlet, text, s, e, negated = could["passages"][0]
    assert text[s:e] == "could" and not negated
    assert explorer_data(frame, hits_of(frame), per_entry=2) == data  # deterministic


def test_size_caps_and_safe_inlining():
    frame = corpus()
    data = explorer_data(frame, hits_of(frame), max_entries=1)
    assert len(data["entries"]) == 1 and data["n_entries"] == 2
    page = render_report(ReportData(title="t", summary=(), config_text="", sections=(), passages=(), explorer=data))
    assert '<section id="explorer">' in page and '<a href="#explorer">Cue explorer</a>' in page
    assert "1 cues with the most hits of 2" in page
    payload = page[page.index('id="explorer-data">') + len('id="explorer-data">'):]
    payload = payload[: payload.index("</script>")]
    assert "<" not in payload  # an article's </script> cannot close the data block
    assert json.loads(payload) == data
    tiny = explorer_data(frame, hits_of(frame), max_bytes=1000, width=400)
    assert len(json.dumps(tiny)) <= 1100
    assert render_explorer({"entries": []}) == ""


def test_explorer_errors():
    frame = corpus()
    hits = hits_of(frame)
    with pytest.raises(ValueError, match=r"per_entry: expected an integer >= 1, got 0"):
        explorer_data(frame, hits, per_entry=0)
    with pytest.raises(ValueError, match=r"hits: missing column\(s\) part"):
        explorer_data(frame, hits.drop(columns="part"))
    with pytest.raises(ValueError, match=r"hits refer to doc_id\(s\) not in frame: 'b2'"):
        explorer_data(frame[frame["doc_id"] != "b2"], hits.assign(doc_id="b2"))
    with pytest.raises(TypeError, match=r"frame: expected a pandas DataFrame, got list"):
        explorer_data([], hits)
    with pytest.raises(TypeError, match=r"ReportData.explorer must be None or a dict from explorer_data\(\), got str"):
        ReportData(title="t", summary=(), config_text="", sections=(), passages=(), explorer="x")
