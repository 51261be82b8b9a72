"""Tests for framing.corpus.rawtext on synthetic raw articles (and the shared example when present)."""

from __future__ import annotations


import pytest

from framing.corpus.rawtext import (
    RawArticle,
    looks_like_raw_article,
    parse_raw_article,
    raw_article_to_document,
    split_credit,
)
from framing.records import Document
from tests.paths import FIXTURES as FIXTURE_ROOT
from tests.paths import SHARED

FIXTURES = FIXTURE_ROOT / "corpus"
EXAMPLE = SHARED / "examples" / "000_237058374dd5f869.txt"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_full_format():
    art = parse_raw_article(fixture("article_full.txt"), source="article_full.txt")
    assert art.title == "Harbor talks open a \u201cnew chapter\u201d for Northport"
    assert art.genre == "analysis"
    assert art.authors == ("Mara Quill", "Tomas Edd", "Ines de la Vega")
    assert art.tags == ("economy", "ports")
    assert art.captions == ("Cranes stand idle at the eastern docks of Northport", "Delegates shake hands after the first round")
    assert art.credits == ("Harbor Daily Photo", "Getty Images")
    assert art.paragraphs == (
        "The harbor talks in Northport began on Monday, and both delegations arrived early.",
        "Officials said the new schedule would ease congestion at the eastern docks.",
        "Critics called the plan a fa\u00e7ade, a pretense of reform that changes little.",
        "Workers on the night shift were not consulted, union leaders said.",
    )
    assert art.body == "\n\n".join(art.paragraphs)
    assert "Photo" not in art.body and "Getty" not in art.body and "\u00a0" not in art.body
    assert len(art.boilerplate) == 2
    assert art.boilerplate[0].startswith("(Mara Quill teaches") and "reflects the authors\u2019 opinion" in art.boilerplate[0]
    assert art.boilerplate[1].startswith("Follow us on")


def test_missing_byline_and_tags_are_detected():
    art = parse_raw_article(fixture("article_bare.txt"))
    assert art.title == "Rain delays the Northport marathon"
    assert art.genre is None and art.authors == () and art.tags == ()
    # "By the end of ..." is not a byline; a caption-like line without a credit stays in the body
    assert art.paragraphs == (
        "By the end of the morning, three thousand runners had gathered near the river.",
        "Organisers moved the start by two hours.",
        "Runners wait under umbrellas near the start line",
    )
    assert art.captions == () and art.credits == ()
    assert art.boilerplate == ("The views expressed in this article are those of the author.",)


def test_crlf_bom_and_caption_shown_once():
    text = "\ufeff" + fixture("article_once.txt").replace("\n", "\r\n")
    art = parse_raw_article(text)
    assert art.title == "The budget nobody asked for" and art.genre == "editorial"
    assert art.authors == ("Lena Ortiz",) and art.tags == ("politics",)
    assert art.captions == ("Council members vote in the city hall chamber.",)
    assert art.credits == ("Northport Times File Photo",)
    assert art.paragraphs == (
        "The council passed the budget late on Thursday.",
        "Spending on roads rises by a tenth, while the parks lose their grant.",
    )
    assert all("\r" not in p for p in art.paragraphs)
    assert art.boilerplate == ("Copyright 2024 Northport Times. All rights reserved.",)


def test_header_lines_in_either_order_and_byline_forms():
    art = parse_raw_article('T\n["a", "b"]\nBy Ann Lee, Bo Wu and Cy Ng\nBody.')
    assert art.tags == ("a", "b") and art.authors == ("Ann Lee", "Bo Wu", "Cy Ng") and art.paragraphs == ("Body.",)
    assert parse_raw_article("T\nCommentary by Dana Roe\nBody.").authors == ("Dana Roe",)
    assert parse_raw_article("T\nBy Ann Lee & Bo Wu\nBody.").authors == ("Ann Lee", "Bo Wu")
    # a body line that merely starts with "By" is not a byline
    assert parse_raw_article("T\nBy 2030 the port will double.\nMore.").authors == ()
    assert parse_raw_article("T\n[1, 2] is a list.\nBody.").paragraphs == ("[1, 2] is a list.", "Body.")


def test_genre_prefixes():
    assert parse_raw_article("OPINION: Loud title\nBody.").genre == "opinion"
    art = parse_raw_article("Commentary:  Quiet title\nBody.")
    assert (art.genre, art.title) == ("commentary", "Quiet title")
    art = parse_raw_article("Opinion:\nBody.")
    assert (art.genre, art.title) == (None, "Opinion:")
    assert parse_raw_article("Opinions differ: a title\nBody.").genre is None


def test_boilerplate_only_at_the_end_and_blank_lines():
    text = "T\n\n\nThe views expressed by the minister surprised nobody.\n(An aside in brackets.)\nLast word.\n\n"
    art = parse_raw_article(text)
    assert art.paragraphs == ("The views expressed by the minister surprised nobody.", "(An aside in brackets.)", "Last word.")
    assert art.boilerplate == ()


def test_repeated_caption_far_apart_is_kept_once_and_line_separator_kept():
    text = "T\nA\u2028B\nDocks /AFP Photo\n\nMiddle.\nDocks /AFP Photo\nEnd."
    art = parse_raw_article(text)
    assert art.paragraphs == ("A\u2028B", "Middle.", "End.")
    assert art.captions == ("Docks",) and art.credits == ("AFP Photo",)


@pytest.mark.parametrize(
    "line, expected",
    [
        ("US President Donald Trump /VCG Photo", ("US President Donald Trump", "VCG Photo")),
        ("Abe bows in Tokyo. /Xinhua Photo", ("Abe bows in Tokyo.", "Xinhua Photo")),
        ("Crowds gather /Reuters Photos", ("Crowds gather", "Reuters Photos")),
        ("A view /Getty Images", ("A view", "Getty Images")),
        ("Old pier /Xinhua File Photo", ("Old pier", "Xinhua File Photo")),
        ("/CGTN Photo", ("", "CGTN Photo")),
        ("Ships in port /Harbor Daily Staff Pool Photo", ("Ships in port", "Harbor Daily Staff Pool Photo")),
    ],
)
def test_split_credit(line, expected):
    assert split_credit(line) == expected


@pytest.mark.parametrize(
    "line",
    ["He sent and/or posted his Photo", "A view /vcg photo", "A view /One Two Three Four Five Photo", "A view of the port"],
)
def test_split_credit_rejects(line):
    assert split_credit(line) is None


def test_empty_article_errors():
    with pytest.raises(ValueError, match=r"empty\.txt, line 1: empty article"):
        parse_raw_article("", source="empty.txt")
    with pytest.raises(ValueError, match=r"raw article, line 1: empty article"):
        parse_raw_article(" \n\u00a0\r\n")


def test_bad_tags_line_errors():
    with pytest.raises(ValueError, match=r"x\.txt, line 3: tags line looks like a JSON list but does not parse"):
        parse_raw_article('Title\nBy Ann Lee\n["china", oops]\nBody.', source="x.txt")
    with pytest.raises(ValueError, match=r"x\.txt, line 2: tags line must be a JSON list of strings"):
        parse_raw_article('Title\n["china", 3]\nBody.', source="x.txt")


def test_type_errors():
    with pytest.raises(TypeError, match="text must be a str, got bytes"):
        parse_raw_article(b"Title")
    with pytest.raises(TypeError, match="article must be a RawArticle, got str"):
        raw_article_to_document("x", doc_id="a", outlet="b")
    art = parse_raw_article("T\nBody.")
    with pytest.raises(TypeError, match="metadata may not set captions, text"):
        raw_article_to_document(art, doc_id="a", outlet="b", text="x", captions="y")


def test_raw_article_to_document():
    art = parse_raw_article(fixture("article_full.txt"))
    doc = raw_article_to_document(art, doc_id="harbor/1", outlet="Harbor Daily", date="2024-05-01", section="ports")
    assert isinstance(doc, Document)
    assert doc.text == art.body and doc.title == art.title and doc.genre == "analysis"
    assert doc.authors == art.authors and doc.tags == ("economy", "ports") and doc.date == "2024-05-01"
    assert doc.captions == "Cranes stand idle at the eastern docks of Northport\nDelegates shake hands after the first round"
    assert doc.boilerplate == "\n".join(art.boilerplate)
    assert doc.extra == {"credits": ["Harbor Daily Photo", "Getty Images"], "section": "ports"}
    doc = raw_article_to_document(art, doc_id="a", outlet="b", title="Other", authors="Solo Writer", tags=["x"], genre=None)
    assert doc.title == "Other" and doc.authors == ("Solo Writer",) and doc.tags == ("x",) and doc.genre == "analysis"
    bare = raw_article_to_document(parse_raw_article("T\nBody."), doc_id="a", outlet="b")
    assert bare.captions is None and bare.boilerplate is None and bare.extra == {"credits": []}


def test_looks_like_raw_article():
    assert looks_like_raw_article(fixture("article_full.txt"))
    assert looks_like_raw_article("Title\nBody\nDocks /AFP Photo\n")
    assert not looks_like_raw_article(fixture("article_bare.txt"))
    assert not looks_like_raw_article("Just one paragraph of text.\nAnd another.")
    assert isinstance(parse_raw_article("T\nB"), RawArticle)


@pytest.mark.skipif(not EXAMPLE.exists(), reason="shared example not available")
def test_real_example():
    art = parse_raw_article(EXAMPLE.read_text(encoding="utf-8"), source=EXAMPLE.name)
    assert art.title == "Trump\u2019s visit will serve as a stabilizer for the US-Japan relationship"
    assert art.genre == "opinion"
    assert art.authors == ("Hou Jun", "Liu Jianna")
    assert art.tags == ("china",)
    assert len(art.captions) == 3
    assert art.credits == ("VCG Photo", "Xinhua Photo", "Reuters Photo")
    assert "fa\u00e7ade" in art.body and "pretense" in art.body
    assert "/VCG Photo" not in art.body and "Photo" not in art.body
    assert any("reflects the authors" in b for b in art.boilerplate)
    assert "reflects the authors" not in art.body


def test_raw_article_error_carries_its_location():
    from framing.corpus.rawtext import RawArticleError

    with pytest.raises(RawArticleError, match=r"x\.txt, line 3: tags line must be a JSON list of strings") as exc:
        parse_raw_article("Title\nBy Ann Lee\n[\"a\", 1]\nBody.", source="x.txt")
    assert (exc.value.source, exc.value.line) == ("x.txt", 3)
    assert exc.value.reason.startswith("tags line must be a JSON list of strings")
