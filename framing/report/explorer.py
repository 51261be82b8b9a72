"""An offline explorer from cues to the passages behind them.

:func:`explorer_data` gathers, per lexicon entry (a cue), how often it hit
in each outlet and a few passages (keyword in context) from distinct
documents; :func:`render_explorer` inlines that as JSON with a few lines
of script that list the cues (searchable, most hits first) and show a
cue's passages on click.  No file is fetched and nothing comes from a CDN,
and the data are paged by construction: at most ``per_entry`` passages
per cue, at most ``max_entries`` cues, and at most ``max_bytes`` of JSON
(cues with fewest hits are left out first; the page says how many).
Without JavaScript the section says so, and the "Example passages"
section reads as before.
"""

from __future__ import annotations

import html
import json
from typing import Any

import pandas as pd

from ..check import check_int

__all__ = ["COUNT_COLUMNS", "MAX_EXPLORER_BYTES", "explorer_data", "render_explorer"]

#: The explorer's inlined JSON is at most this many bytes.
MAX_EXPLORER_BYTES = 400_000

#: Columns of ``explorer_data``'s ``counts``: hits per category, cue and outlet.
COUNT_COLUMNS: tuple[str, ...] = ("category", "entry", "outlet", "n")

_NEEDED_HITS = ("doc_id", "outlet", "category", "entry", "start", "end", "negated", "part")


def _snippet(text: str, start: int, end: int, width: int) -> tuple[str, int, int]:
    """About ``width`` characters around ``[start, end)``, cut at spaces,
    on one line; returns the snippet and the hit's offsets in it."""
    half = max(0, (width - (end - start)) // 2)
    s, e = max(0, start - half), min(len(text), end + half)
    if s > 0:
        space = text.find(" ", s, start)
        s = space + 1 if space >= 0 else s
    if e < len(text):
        space = text.rfind(" ", end, e)
        e = space if space >= 0 else e
    piece = text[s:e]
    flat = "".join(" " if c in "\n\r\t\u2028\u2029" else c for c in piece)
    lead = "\u2026" if s > 0 else ""
    tail = "\u2026" if e < len(text) else ""
    return lead + flat + tail, len(lead) + start - s, len(lead) + end - s


def explorer_data(frame: pd.DataFrame, hits: pd.DataFrame, *, per_entry: int = 5, max_entries: int = 300,
                  width: int = 160, max_bytes: int = MAX_EXPLORER_BYTES,
                  counts: pd.DataFrame | None = None) -> dict[str, Any]:
    """Cues and the passages behind them, small enough to inline.

    Parameters
    ----------
    frame : DataFrame
        The corpus (``doc_id``, ``outlet`` and the scored part).
    hits : DataFrame
        Cue hits (:data:`framing.match.scoring.HIT_COLUMNS`) of one part.
    per_entry : int, keyword-only
        Passages per cue, at most, from distinct documents, taken in turn
        from each outlet (outlets by name; an outlet's documents by
        ``doc_id``, the first hit of each).
    max_entries : int, keyword-only
        Cues, at most: those with the most hits (ties by category, entry).
    width : int, keyword-only
        Characters of context per passage, about (>= 20).
    max_bytes : int, keyword-only
        Cap on the JSON size; cues with fewest hits are dropped first.
    counts : DataFrame, optional, keyword-only
        The hits per cue and outlet (columns :data:`COUNT_COLUMNS`:
        ``category, entry, outlet, n``), when ``hits`` holds only some of
        them: the cues, their order and counts come from ``counts``, the
        passages from ``hits``, which must then hold, for each cue
        listed, every hit of it in the first ``per_entry`` documents of
        each outlet (doc ids as text).  Default: counted from ``hits``.

    Returns
    -------
    dict
        ``{"entries": [{"entry", "category", "n", "outlets": [[outlet,
        n], ...], "passages": [[doc_id, outlet, text, start, end,
        negated], ...]}, ...], "n_entries": all cues, "per_entry": ...}``;
        deterministic.

    Raises
    ------
    ValueError
        A missing column, a hit on a document not in ``frame``, a count
        that is not a whole number >= 1, or an option out of range.
    """
    per_entry = check_int("per_entry", per_entry, low=1)
    max_entries = check_int("max_entries", max_entries, low=1)
    width = check_int("width", width, low=20)
    max_bytes = check_int("max_bytes", max_bytes, low=1000)
    checked = [("hits", hits, _NEEDED_HITS), ("frame", frame, ("doc_id", "outlet"))]
    if counts is not None:
        checked.append(("counts", counts, COUNT_COLUMNS))
    for name, table, needed in checked:
        if not isinstance(table, pd.DataFrame):
            raise TypeError(f"{name}: expected a pandas DataFrame, got {type(table).__name__}")
        missing = [c for c in needed if c not in table.columns]
        if missing:
            raise ValueError(f"{name}: missing column(s) {', '.join(missing)}; needs {', '.join(needed)}")
    if counts is not None and len(counts):
        n = pd.to_numeric(counts["n"], errors="coerce")
        if n.isna().any() or (n < 1).any() or (n != n.round()).any():
            bad = counts["n"][n.isna() | ~(n >= 1) | (n != n.round())].tolist()[0]
            raise ValueError(f"counts: expected whole numbers of hits >= 1 in column n, got {bad!r}")
    if hits.empty:
        return {"entries": [], "n_entries": 0, "per_entry": per_entry}
    part = str(hits["part"].iloc[0])
    if part not in frame.columns:
        raise ValueError(f"frame: missing column {part!r}, the part the hits were found in")
    h = pd.DataFrame({"doc_id": hits["doc_id"].astype(str), "outlet": hits["outlet"].astype(str),
                      "category": hits["category"].astype(str), "entry": hits["entry"].astype(str),
                      "start": hits["start"].astype("int64"), "end": hits["end"].astype("int64"),
                      "negated": hits["negated"].astype(bool)})
    h = h.sort_values(["category", "entry", "doc_id", "start", "end"], kind="mergesort")
    texts = dict(zip(frame["doc_id"].astype(str), frame[part]))
    unknown = sorted(set(h["doc_id"]) - texts.keys())
    if unknown:
        raise ValueError(f"hits refer to doc_id(s) not in frame: {', '.join(map(repr, unknown[:5]))}")
    if counts is None:
        per_outlet = h.groupby(["category", "entry", "outlet"], sort=True).size()
    else:
        c = pd.DataFrame({"category": counts["category"].astype(str), "entry": counts["entry"].astype(str),
                          "outlet": counts["outlet"].astype(str), "n": counts["n"].astype("int64")})
        per_outlet = c.groupby(["category", "entry", "outlet"], sort=True)["n"].sum()
    per_cue = per_outlet.groupby(level=[0, 1], sort=True).sum()
    order = sorted(per_cue.index, key=lambda k: (-int(per_cue[k]), k[0], k[1]))
    chosen = order[:max_entries]
    firsts = h.drop_duplicates(["category", "entry", "doc_id"])
    missing = [key for key in chosen if key not in set(zip(firsts["category"], firsts["entry"]))] \
        if counts is not None else []
    firsts = firsts.groupby(["category", "entry"], sort=True)
    if missing:
        raise ValueError(f"hits: no hit of the cue {missing[0][1]!r} ({missing[0][0]}) that counts list; pass the "
                         "hits counts was made from")
    entries = []
    for category, entry in chosen:
        sub = firsts.get_group((category, entry))
        rank = sub.groupby("outlet", sort=True).cumcount().to_numpy()
        order_rows = sorted(range(len(sub)), key=lambda i: (rank[i], sub["outlet"].iloc[i], sub["doc_id"].iloc[i]))
        sub = sub.iloc[order_rows[:per_entry]]
        passages = []
        for doc_id, outlet, start, end, negated in zip(sub["doc_id"], sub["outlet"], sub["start"], sub["end"],
                                                       sub["negated"]):
            text, s, e = _snippet(str(texts[doc_id]), int(start), int(end), width)
            passages.append([doc_id, outlet, text, s, e, bool(negated)])
        outlets = per_outlet.loc[(category, entry)]
        ranked = sorted(outlets.items(), key=lambda kv: (-int(kv[1]), kv[0]))
        entries.append({"entry": entry, "category": category, "n": int(per_cue[(category, entry)]),
                        "outlets": [[o, int(n)] for o, n in ranked], "passages": passages})
    data = {"entries": entries, "n_entries": len(order), "per_entry": per_entry}
    while entries and len(_json(data).encode("utf-8")) > max_bytes:
        entries.pop()
    return data


def _json(data: dict[str, Any]) -> str:
    """JSON safe inside ``<script>``: ``<``, ``>``, ``&`` escaped."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") \
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


_SCRIPT = """
(function () {
  "use strict";
  var root = document.getElementById("explorer");
  var data = JSON.parse(document.getElementById("explorer-data").textContent);
  root.querySelector(".nojs").hidden = true;
  var ui = root.querySelector(".explorer-ui");
  ui.hidden = false;
  var box = ui.querySelector("input"), list = ui.querySelector("ol"), view = ui.querySelector(".explorer-view");
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function show(item) {
    view.textContent = "";
    view.appendChild(el("h3", "", item.entry + " \\u00b7 " + item.category + " \\u00b7 " + item.n + " hits"));
    view.appendChild(el("p", "note", "By outlet: " + item.outlets.map(function (o) { return o[0] + " " + o[1]; }).join(", ")));
    item.passages.forEach(function (p) {
      var div = el("div", "passage"), ex = el("p", "excerpt");
      ex.appendChild(document.createTextNode(p[2].slice(0, p[3])));
      ex.appendChild(el("mark", "cue cue-start cue-end" + (p[5] ? " neg" : ""), p[2].slice(p[3], p[4])));
      ex.appendChild(document.createTextNode(p[2].slice(p[4])));
      div.appendChild(ex);
      div.appendChild(el("p", "source", p[0] + " \\u00b7 " + p[1]));
      view.appendChild(div);
    });
    if (item.n > item.passages.length) view.appendChild(el("p", "more", "First " + item.passages.length +
      " documents of this cue shown, taken in turn from each outlet."));
  }
  function fill() {
    var q = box.value.trim().toLowerCase();
    list.textContent = "";
    data.entries.forEach(function (item) {
      if (q && (item.entry + " " + item.category).toLowerCase().indexOf(q) < 0) return;
      var li = el("li"), b = el("button", "linkish", item.entry);
      b.type = "button";
      b.addEventListener("click", function () { show(item); });
      li.appendChild(b);
      li.appendChild(el("span", "more", " " + item.category + " \\u00b7 " + item.n));
      list.appendChild(li);
    });
  }
  box.addEventListener("input", fill);
  fill();
  if (data.entries.length) show(data.entries[0]);
})();
"""


def render_explorer(data: dict[str, Any]) -> str:
    """The explorer's ``<section id="explorer">`` (empty string without
    entries); see the module notes."""
    entries = data.get("entries", [])
    if not entries:
        return ""
    shown, total = len(entries), int(data.get("n_entries", len(entries)))
    note = (f"{shown} cues with the most hits" + (f" of {total}" if total > shown else "")
            + f", up to {int(data.get('per_entry', 0))} passages each from distinct documents"
            + (" (the rest left out to keep the page small)." if total > shown else "."))
    return (
        '<section id="explorer">\n<h2>Cue explorer</h2>\n'
        f'<p class="intro">From cues to the passages behind them: {html.escape(note)} Pick a cue; type to search.</p>\n'
        '<p class="nojs empty">The explorer needs JavaScript; the example passages below need none.</p>\n'
        '<div class="explorer-ui" hidden>\n<input class="filter" type="search" placeholder="Search cues\u2026" '
        'aria-label="Search cues">\n<div class="explorer-cols"><ol class="explorer-list"></ol>'
        '<div class="explorer-view"></div></div>\n</div>\n'
        f'<script type="application/json" id="explorer-data">{_json(data)}</script>\n'
        f"<script>{_SCRIPT}</script>\n</section>\n"
    )
