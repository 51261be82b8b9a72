"""An offline HTML page for coding a lexicon-validation sheet.

:func:`coding_page` renders a sheet of :mod:`framing.lexicon.validate`
as one self-contained HTML file: the rows are embedded as JSON, the
script and style are inline, nothing is fetched (no CDN, no fonts, no
external URL), so the page works from a USB stick in a browser without
a network.  A coder types a name, then codes unit by unit:

``1`` / ``y``
    correct (the cue carries the category's frame; for a sentence: the
    sentence expresses the category) — and moves on;
``0`` / ``n``
    not correct — and moves on;
``→`` / ``←``
    next / previous unit; ``Backspace`` clears the code;
``e``
    edit the note (``Enter`` or ``Esc`` returns to coding).

Codes are kept in the browser's ``localStorage`` (keyed by the sheet's
SHA-256), so closing the page loses nothing.  *Download CSV* writes the
sheet with every column in the original order and ``coder``, ``correct``
(1/0, empty if not coded) and ``note`` filled in: the file ``framing
lexicon validate`` reads.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
from typing import Any

import pandas as pd

from ..check import check_str
from ..lexicon.validate import SHEET_COLUMNS

__all__ = ["coding_page"]

_STYLE = """
body{font:16px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;background:#f6f6f4;color:#222}
header{background:#263238;color:#fff;padding:.6em 1em;display:flex;gap:1em;align-items:center;flex-wrap:wrap}
header h1{font-size:1.1em;margin:0;flex:1}
header input{font:inherit;padding:.2em .4em}
button{font:inherit;padding:.3em .8em;cursor:pointer}
main{max-width:60em;margin:1.5em auto;padding:0 1em}
#card{background:#fff;border:1px solid #ccc;border-radius:6px;padding:1.2em 1.5em}
.meta{color:#555;font-size:.9em}
.context{font-size:1.15em;margin:1em 0;padding:.8em;background:#fafafa;border-left:4px solid #90a4ae}
mark{background:#ffe082;padding:0 .15em;font-weight:600}
.code{font-size:1.2em;font-weight:600}
.c1{color:#2e7d32}.c0{color:#c62828}.cx{color:#777}
textarea{width:100%;font:inherit;min-height:3em}
#progress{height:6px;background:#ddd;margin-top:.8em}#bar{height:6px;background:#43a047;width:0}
.keys{color:#555;font-size:.85em;margin-top:1em}
kbd{border:1px solid #aaa;border-radius:3px;padding:0 .3em;background:#fff}
"""

# Pure functions first (node can run them in tests); the page part runs only with a document.
_SCRIPT = r"""
"use strict";
function csvField(value) {
  var text = value === null || value === undefined ? "" : String(value);
  return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
}
function toCSV(columns, rows) {
  var lines = [columns.map(csvField).join(",")];
  rows.forEach(function (row) { lines.push(columns.map(function (c) { return csvField(row[c]); }).join(",")); });
  return lines.join("\n") + "\n";
}
function applyCodes(rows, codes, coder) {
  return rows.map(function (row) {
    var out = Object.assign({}, row), code = codes[row.unit_id] || {};
    out.correct = code.correct === 0 || code.correct === 1 ? code.correct : "";
    out.note = code.note || "";
    out.coder = out.correct === "" ? (row.coder || "") : coder;
    return out;
  });
}
if (typeof document !== "undefined") {
  (function () {
    var sheet = JSON.parse(document.getElementById("sheet-data").textContent);
    var columns = sheet.columns, rows = sheet.rows, key = "framing-coding-" + sheet.sha256;
    var state = JSON.parse(localStorage.getItem(key) || "null") || {coder: "", codes: {}, at: 0};
    rows.forEach(function (row) {
      if (!(row.unit_id in state.codes) && (row.correct === 0 || row.correct === 1)) {
        state.codes[row.unit_id] = {correct: row.correct, note: row.note || ""};
      }
    });
    var $ = function (id) { return document.getElementById(id); };
    function save() { localStorage.setItem(key, JSON.stringify(state)); }
    function text(id, value) { $(id).textContent = value; }
    function render() {
      var row = rows[state.at], code = state.codes[row.unit_id] || {};
      text("pos", (state.at + 1) + " / " + rows.length);
      text("category", row.category);
      text("entry", row.unit === "sentence" ? (row.entry ? "hits: " + row.entry : "no hit") : row.entry);
      text("doc", row.doc_id + " (" + row.outlet + ")");
      text("left", row.left); text("match", row.match); text("right", row.right);
      text("question", row.unit === "sentence" ? "Does the highlighted sentence express this category?"
                                               : "Does the highlighted cue carry this category's frame here?");
      var c = $("code");
      c.textContent = code.correct === 1 ? "1 correct" : code.correct === 0 ? "0 not correct" : "not coded";
      c.className = "code " + (code.correct === 1 ? "c1" : code.correct === 0 ? "c0" : "cx");
      $("note").value = code.note || "";
      var done = rows.filter(function (r) { var k = state.codes[r.unit_id]; return k && (k.correct === 0 || k.correct === 1); }).length;
      text("done", done + " coded");
      $("bar").style.width = (100 * done / rows.length) + "%";
    }
    function setCode(value) {
      var row = rows[state.at], code = state.codes[row.unit_id] || {};
      code.correct = value; state.codes[row.unit_id] = code; save();
      if (value !== null && state.at < rows.length - 1) { state.at += 1; }
      render();
    }
    function move(step) { state.at = Math.min(rows.length - 1, Math.max(0, state.at + step)); save(); render(); }
    $("coder").value = state.coder;
    $("coder").addEventListener("input", function (e) { state.coder = e.target.value.trim(); save(); });
    $("note").addEventListener("input", function (e) {
      var row = rows[state.at], code = state.codes[row.unit_id] || {};
      code.note = e.target.value; state.codes[row.unit_id] = code; save();
    });
    $("note").addEventListener("keydown", function (e) {
      if (e.key === "Escape" || (e.key === "Enter" && !e.shiftKey)) { e.preventDefault(); e.target.blur(); }
    });
    document.addEventListener("keydown", function (e) {
      var tag = document.activeElement && document.activeElement.tagName;
      if (tag === "INPUT" || tag === "TEXTAREA" || e.ctrlKey || e.metaKey || e.altKey) { return; }
      if (e.key === "1" || e.key === "y") { setCode(1); }
      else if (e.key === "0" || e.key === "n") { setCode(0); }
      else if (e.key === "ArrowRight") { move(1); }
      else if (e.key === "ArrowLeft") { move(-1); }
      else if (e.key === "Backspace") { setCode(null); }
      else if (e.key === "e") { e.preventDefault(); $("note").focus(); }
      else { return; }
      e.preventDefault();
    });
    $("download").addEventListener("click", function () {
      if (!state.coder) { alert("Type your name as coder first."); $("coder").focus(); return; }
      var blob = new Blob([toCSV(columns, applyCodes(rows, state.codes, state.coder))], {type: "text/csv"});
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = sheet.filename.replace(/\.csv$/, "") + "-" + state.coder.replace(/[^A-Za-z0-9_-]+/g, "_") + ".csv";
      document.body.appendChild(a); a.click(); document.body.removeChild(a);
    });
    render();
  })();
}
"""


def _cell(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
    return value


def coding_page(sheet: pd.DataFrame, *, title: str = "Lexicon validation", filename: str = "sheet.csv") -> str:
    """A self-contained HTML page for coding ``sheet`` offline.

    Parameters
    ----------
    sheet : pandas.DataFrame
        A coding sheet (:data:`framing.lexicon.validate.SHEET_COLUMNS`),
        coded or not (existing codes are shown and kept).
    title : str
        The page's heading.
    filename : str
        The sheet's file name; the download is named
        ``<stem>-<coder>.csv``.

    Returns
    -------
    str
        The HTML document (UTF-8 text; no external resources).

    Raises
    ------
    ValueError
        If a sheet column is missing.
    """
    if not isinstance(sheet, pd.DataFrame):
        raise TypeError(f"sheet: expected a DataFrame, got {type(sheet).__name__}")
    missing = [c for c in SHEET_COLUMNS if c not in sheet.columns]
    if missing:
        raise ValueError(f"sheet: missing column(s) {', '.join(missing)}; a coding sheet has {', '.join(SHEET_COLUMNS)}")
    title = check_str("title", title)
    filename = check_str("filename", filename)
    columns = [str(c) for c in sheet.columns]
    rows = [{c: _cell(v) for c, v in zip(columns, values)} for values in sheet.itertuples(index=False, name=None)]
    for row in rows:
        code = row.get("correct")
        row["correct"] = None if code in (None, "") else int(float(code))
    payload = json.dumps({"columns": columns, "rows": rows}, ensure_ascii=False, sort_keys=True)
    digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
    data = json.dumps({"columns": columns, "rows": rows, "sha256": digest, "filename": filename},
                      ensure_ascii=False, sort_keys=True)
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")  # inert inside <script>
    esc = html.escape
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<header>
<h1>{esc(title)} — {len(rows)} units</h1>
<label>Coder <input id="coder" type="text" placeholder="your name" autocomplete="off"></label>
<span id="done">0 coded</span>
<button id="download" type="button">Download CSV</button>
</header>
<main>
<div id="card">
<div class="meta">Unit <span id="pos"></span> · document <span id="doc"></span></div>
<div class="meta">Category <strong id="category"></strong> · entry <strong id="entry"></strong></div>
<p id="question"></p>
<div class="context"><span id="left"></span><mark id="match"></mark><span id="right"></span></div>
<div>Code: <span id="code" class="code cx">not coded</span></div>
<label>Note <textarea id="note" rows="2"></textarea></label>
<div id="progress"><div id="bar"></div></div>
<div class="keys"><kbd>1</kbd>/<kbd>y</kbd> correct · <kbd>0</kbd>/<kbd>n</kbd> not correct ·
<kbd>&larr;</kbd> <kbd>&rarr;</kbd> previous / next · <kbd>Backspace</kbd> clear · <kbd>e</kbd> note.
Codes are saved in this browser; download the CSV when done.</div>
</div>
</main>
<script type="application/json" id="sheet-data">{data}</script>
<script>{_SCRIPT}</script>
</body>
</html>
"""
