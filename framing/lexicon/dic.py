"""The LIWC ``.dic`` reader (the format is documented in
:mod:`framing.lexicon.files`, which dispatches to :func:`read_dic`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .model import Category, Lexicon, LexiconError, location, parse_term


__all__ = ["read_dic"]


_ID = r"\d+(?:\.\d+)*"
_ID_RE = re.compile(rf"^{_ID}$")
_HEADER_LINE = re.compile(rf"^({_ID})\s+(.*\S)\s*$")
_NAME_DEF = re.compile(r"^(.*?\S)\s*\(([^()]*)\)$")
_CONDITIONAL = re.compile(rf"^\(\s*{_ID}(?:[\s,]+{_ID})*\s*\){_ID}(?:/{_ID})?$")
_NEXT_WORD = re.compile(rf"^<[^<>\s]+>{_ID}(?:/{_ID})?$")
_SPLIT_GLOB = re.compile(r"^(.*[^\W_])[-/]+\*$")
_DIC_TOKEN = re.compile(r"\([^()]*\)\S*|<[^<>]*>\S*|\S+")


def _norm_id(token: str) -> str:
    return ".".join(str(int(part)) for part in token.split("."))


def _is_code(token: str) -> bool:
    return bool(_ID_RE.match(token) or _CONDITIONAL.match(token) or _NEXT_WORD.match(token))


def _describe_conditional(code: str) -> str:
    if code.startswith("<"):
        context, rest = code[1:].split(">", 1)
        rule = f"if the next word is {context!r}"
    else:
        context, rest = code[1:].split(")", 1)
        ids = context.replace(",", " ").split()
        rule = f"if the previous word is in categor{'ies' if len(ids) > 1 else 'y'} {' '.join(ids)}"
    then, _, otherwise = rest.partition("/")
    return f"{code!r} (category {then} {rule}, else {otherwise or 'none'})"


def _is_skippable(stripped: str) -> bool:
    return not stripped or stripped.startswith(("#", "//"))


@dataclass(slots=True)
class _DicWord:
    term: str
    line: int
    ids: list[str]


class _DicReader:
    def __init__(self, source: str, on_error: str, conditional: str, names: str, notes: list[str]) -> None:
        self.source = source
        self.on_error = on_error
        self.conditional = conditional
        self.names = names
        self.notes = notes

    def problem(self, line: int, message: str, *, hint: str = " (pass on_error='warn' to skip it)") -> None:
        text = f"{location(self.source, line)}: {message}"
        if self.on_error == "raise":
            raise LexiconError(text + hint)
        self.notes.append(text + "; skipped")

    def read(self, text: str, on_duplicate: str) -> Lexicon:
        lines = text.split("\n")
        start = next((i for i, line in enumerate(lines) if not _is_skippable(line.strip())), None)
        if start is None or lines[start].strip() != "%":
            got = "an empty file" if start is None else repr(lines[start].strip())
            raise LexiconError(f"{location(self.source, None if start is None else start + 1)}: a LIWC .dic file "
                               f"must start with a '%' line opening the category header, got {got}")
        end = next((i for i in range(start + 1, len(lines)) if lines[i].strip() == "%"), None)
        if end is None:
            raise LexiconError(f"{location(self.source, start + 1)}: the category header opened here is never closed "
                               f"by a second '%' line")
        header = self.header(lines, start + 1, end)
        words = self.body(lines, end + 1, header)
        if not words:
            raise LexiconError(f"{location(self.source, end + 1)}: no entries after the category header")
        used = {i for w in words for i in w.ids}
        categories: list[Category] = []
        for key, (literal, name, definition, line) in header.items():
            if key not in used:
                self.notes.append(
                    f"{location(self.source, line)}: category {name!r} (id {literal}) has no entries; dropped"
                )
                continue
            categories.append(Category(name, definition, line=line))
        entries = [(w.term, header[i][1], 1.0, w.line) for w in words for i in w.ids]
        return Lexicon.build(Path(self.source).stem, categories, entries, source=self.source,
                             on_duplicate=on_duplicate, warnings=tuple(self.notes))

    def header(self, lines: list[str], first: int, end: int) -> dict[str, tuple[str, str, str, int]]:
        """Map normalised id -> (id as written, category name, definition, line)."""
        header: dict[str, tuple[str, str, str, int]] = {}
        for i in range(first, end):
            stripped = lines[i].strip()
            if _is_skippable(stripped):
                continue
            match = _HEADER_LINE.match(stripped)
            if match is None:
                if _ID_RE.match(stripped):
                    raise LexiconError(f"{location(self.source, i + 1)}: category id {stripped} has no name")
                self.notes.append(f"{location(self.source, i + 1)}: header line {stripped!r} has no category id "
                                  f"(a group heading); ignored")
                continue
            literal, rest = match.groups()
            key = _norm_id(literal)
            if key in header:
                raise LexiconError(f"{location(self.source, i + 1)}: category id {literal} is defined twice "
                                   f"(first at line {header[key][3]})")
            named = _NAME_DEF.match(rest)
            name, definition = (named.group(1), named.group(2).strip()) if named else (rest, "")
            header[key] = (literal, literal if self.names == "id" else name, definition, i + 1)
        if not header:
            raise LexiconError(f"{location(self.source, first)}: the category header defines no category "
                               f"(expected lines 'id<TAB>name')")
        return header

    def split(self, stripped: str) -> tuple[str, list[str]]:
        if "\t" in stripped:
            word, _, rest = stripped.partition("\t")
            return word.strip(), _DIC_TOKEN.findall(rest)
        tokens = _DIC_TOKEN.findall(stripped)
        j = len(tokens)
        while j > 1 and _is_code(tokens[j - 1]):
            j -= 1
        return " ".join(tokens[:j]), tokens[j:]

    def body(self, lines: list[str], first: int, header: dict[str, tuple[str, str, str, int]]) -> list[_DicWord]:
        words: dict[tuple[str, ...], _DicWord] = {}
        for i in range(first, len(lines)):
            stripped = lines[i].strip()
            if _is_skippable(stripped):
                continue
            lineno = i + 1
            if stripped == "%":
                raise LexiconError(f"{location(self.source, lineno)}: unexpected third '%' line; the header "
                                   f"is the part between the first two")
            word, codes = self.split(stripped)
            ids = self.codes(word, codes, lineno, header)
            if ids is None:
                continue
            split_glob = _SPLIT_GLOB.match(word)
            if split_glob:
                self.notes.append(
                    f"{location(self.source, lineno)}: entry {word!r} (LIWC: words starting with "
                    f"{word[:-1]!r}) is read as {split_glob.group(1)!r}: a hyphen or slash splits tokens, so "
                    f"{split_glob.group(1)!r} matches the first part of such words, and also the word alone"
                )
                word = split_glob.group(1)
            try:
                pattern, _ = parse_term(word)
            except ValueError as exc:
                self.problem(lineno, f"invalid term: {exc}")
                continue
            prior = words.get(pattern)
            if prior is None:
                words[pattern] = _DicWord(word, lineno, ids)
                continue
            added = [x for x in ids if x not in prior.ids]
            prior.ids.extend(added)
            self.notes.append(f"{location(self.source, lineno)}: word {word!r} repeats line {prior.line}; "
                              f"merged ({len(added)} new categor{'y' if len(added) == 1 else 'ies'})")
        return list(words.values())

    def codes(
        self, word: str, codes: list[str], lineno: int, header: dict[str, tuple[str, str, str, int]]
    ) -> list[str] | None:
        """The normalised plain ids of an entry line, or None to skip it."""
        ids: list[str] = []
        skipped: list[str] = []
        for code in codes:
            if _ID_RE.match(code):
                key = _norm_id(code)
                if key not in header:
                    self.problem(lineno, f"entry {word!r} uses category id {code}, which the header does not "
                                         f"define; defined ids: {', '.join(v[0] for v in header.values())}")
                elif key in ids:
                    self.notes.append(f"{location(self.source, lineno)}: entry {word!r} lists category id {code} twice")
                else:
                    ids.append(key)
            elif _CONDITIONAL.match(code) or _NEXT_WORD.match(code):
                skipped.append(code)
            else:
                self.problem(lineno, f"entry {word!r}: cannot read {code!r} as a category id "
                                     f"(expected ids such as 12, or LIWC conditional codes such as (02 134)125/464)")
                return None
        if skipped:
            kinds = "; ".join(_describe_conditional(c) for c in skipped)
            message = f"{location(self.source, lineno)}: entry {word!r} has LIWC conditional codes {kinds}"
            if self.conditional == "error":
                raise LexiconError(message + "; they cannot be represented (pass conditional='skip' to drop them)")
            if ids:
                kept = f"kept plain ids {', '.join(header[x][0] for x in ids)}"
            else:
                kept = "no plain id left, entry skipped"
            self.notes.append(f"{message}; dropped, {kept}")
        elif not codes:
            self.problem(lineno, f"entry {word!r} has no category id")
            return None
        return ids or None


def read_dic(text: str, source: str, *, on_error: str, conditional: str, names: str, on_duplicate: str,
             notes: list[str]) -> Lexicon:
    """Read decoded LIWC ``.dic`` text; repairs are appended to ``notes``."""
    return _DicReader(source, on_error, conditional, names, notes).read(text, on_duplicate)
