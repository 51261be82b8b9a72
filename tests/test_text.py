from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from framing.text import (
    count_tokens,
    fold,
    fold_cased,
    fold_char,
    fold_for_scan,
    fold_with_offsets,
    sentence_spans,
    term_tokens,
    token_norms,
    tokenize,
)


@pytest.mark.parametrize(
    "raw, folded",
    [
        ("Façade", "facade"),
        ("FAÇADE", "facade"),
        ("fac\u0327ade", "facade"),  # decomposed cedilla
        ("Straße", "strasse"),
        ("\ufb01nance", "finance"),  # ligature
        ("regime\u2019s", "regime's"),
        ("\u201cso\u2011called\u201d", '"so-called"'),
        ("a\u00a0b", "a b"),
        ("wait\u2026", "wait..."),
        ("inter\u00adnational", "international"),
        ("ＡＢＣ", "abc"),  # full width
    ],
)
def test_fold(raw, folded):
    assert fold(raw) == folded


def test_fold_char_is_lower_stable():
    for c in ["\u0130", "\u03a3", "\u1e9e", "\u13a0", "\u00c5"]:
        assert fold_char(c) == fold_char(c).lower()


# characters of many scripts, with combining marks, so that random texts
# have clusters (a letter and the marks after it) of every kind
MULTI = (
    "aeiIıİçñß ÇÉ\u0301\u0306\u0308\u0300\u0327.'!?-\u2019\u201c"
    "йиеёЁЙгќѓ\u0435\u0438"
    "αάΐᾳΣς"
    "كتبَُِّْأإآ\u0654\u0640؟"
    "हिंदीभाषा\u093c\u094d।"
    "中国人の日本語がガｶﾞー々。"
    "한국\u1100\u1161ภาษาไทย"
    "\ufe0f\u20e3❤\ufb01１"
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet=MULTI)))
def test_fold_with_offsets_agrees_with_fold(text):
    ft = fold_with_offsets(text)
    assert ft.folded == fold(text)
    if ft.src_start is not None:
        assert len(ft.src_start) == len(ft.folded) == len(ft.src_end)
        assert list(ft.src_start) == sorted(ft.src_start)
        for j, (s, e) in enumerate(zip(ft.src_start, ft.src_end)):
            # each folded character comes from the cluster it maps back to
            assert ft.folded[j] in fold(text[s:e])
            assert e > s


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet=MULTI)))
def test_token_offsets_cover_their_source(text):
    for tok in tokenize(text):
        assert tok.norm in token_norms(text[tok.start : tok.end])


def test_offsets_map_back_to_original():
    text = "Une FAÇADE, pas une \ufb01n."
    toks = tokenize(text)
    assert [t.norm for t in toks] == ["une", "facade", "pas", "une", "fin"]
    assert [text[t.start : t.end] for t in toks] == ["Une", "FAÇADE", "pas", "une", "\ufb01n"]


@pytest.mark.parametrize(
    "text, tokens",
    [
        ("the regime's plan", ["the", "regime's", "plan"]),
        ("so-called experts", ["so", "called", "experts"]),
        ("don't stop", ["don't", "stop"]),
        ("rock'n'roll", ["rock'n'roll"]),
        ("the countries' ties", ["the", "countries", "ties"]),
        ("'tis the '90s", ["tis", "the", "90s"]),
        ("U.S. growth of 3.5% in 2024", ["u.s", "growth", "of", "3.5", "in", "2024"]),
        ("1,000 people", ["1", "000", "people"]),
        ("https://example.org/a_b?x=1", ["https", "example.org", "a", "b", "x", "1"]),
        ("snake_case", ["snake", "case"]),
        ("a..b", ["a", "b"]),
        ("", []),
    ],
)
def test_token_rules(text, tokens):
    assert [t.norm for t in tokenize(text)] == tokens
    assert count_tokens(text) == len(tokens)


def test_sentence_numbers():
    toks = tokenize("One two. Three! Four? Five... six")
    assert [(t.norm, t.sentence) for t in toks] == [
        ("one", 0), ("two", 0), ("three", 1), ("four", 2), ("five", 3), ("six", 4),
    ]


def test_sentence_spans_rules_and_punkt():
    text = "First sentence here. Second one! Third"
    assert [text[s:e] for s, e in sentence_spans(text)] == ["First sentence here.", "Second one!", "Third"]
    spans = sentence_spans(text, method="punkt")
    assert [text[s:e] for s, e in spans] == ["First sentence here.", "Second one!", "Third"]


def test_sentence_spans_bad_method():
    with pytest.raises(ValueError, match="method must be 'rules' or 'punkt', got 'nltk'"):
        sentence_spans("x", method="nltk")


@pytest.mark.parametrize(
    "term, words",
    [
        ("Façade", ("facade",)),
        ("so-called", ("so", "called")),
        ("ratchet  up", ("ratchet", "up")),
        ("pretens*", ("pretens*",)),
        ("ratchet* up", ("ratchet*", "up")),
        ("regime's", ("regime's",)),
    ],
)
def test_term_tokens(term, words):
    assert term_tokens(term) == words


@pytest.mark.parametrize(
    "term, message",
    [
        ("", "contains no word"),
        ("***", "allowed only at the end of a word"),
        ("*ism", "allowed only at the end of a word"),
        ("pre*tens", "allowed only at the end of a word"),
        ("a** b", "allowed only at the end of a word"),
        ("end. start", "sentence-ending punctuation"),
        ("why? not", "sentence-ending punctuation"),
    ],
)
def test_term_tokens_errors(term, message):
    with pytest.raises(ValueError, match=message):
        term_tokens(term)


# ------------------------------------------------------- scripts and marks


@pytest.mark.parametrize(
    "raw, folded",
    [
        # Latin: every mark goes; Turkish I/ı/İ/i all fold to i
        ("Ça va, garçon ? Éléphant", "ca va, garcon ? elephant"),
        ("Việt Nam", "viet nam"),
        ("Iğdır", "igdir"),
        ("IĞDIR", "igdir"),
        ("ığdır", "igdir"),
        ("İstanbul", "istanbul"),
        ("İ".lower() + "stanbul", "istanbul"),  # i + U+0307
        ("Øresund Łódź", "øresund łodz"),  # letters with a stroke stay
        # Greek: tonos, dialytika, polytonic marks, final sigma
        ("Αθήνα", "αθηνα"),
        ("ΐ ᾳ Σοφός", "ι α σοφοσ"),
        # Cyrillic: й stays, ё -> е, stress accents go, ѓ ќ ї ў stay
        ("Мой", "мой"),
        ("ещё Ёлка", "еще елка"),
        ("замо\u0301к", "замок"),
        ("ѓ ќ Ѓ ї ў", "ѓ ќ ѓ ї ў"),
        ("\u0438\u0306", "й"),  # decomposed й composes
        ("ѝ", "и"),
        # Arabic: harakat and tatweel go, hamza stays
        ("كَتَبَ", "كتب"),
        ("عـــربي", "عربي"),
        ("أَحْمَد إِنْ آمَنَ", "أحمد إن آمن"),
        ("\u0627\u0654", "أ"),  # decomposed hamza composes
        # Hebrew: niqqud goes
        ("שָׁלוֹם", "שלום"),
        # Indic: vowel signs, anusvara, virama, nukta stay
        ("हिंदी", "हिंदी"),
        ("क्षमा", "क्षमा"),
        ("\u0958", "\u0915\u093c"),  # क़ (its NFC form is decomposed)
        # Kana voicing marks stay; half-width kana become full-width
        ("が ガ ｶﾞ", "が ガ ガ"),
        # Hangul stays in syllables, decomposed Hangul composes
        ("한국어", "한국어"),
        ("\u1112\u1161\u11ab\u1100\u116e\u11a8", "한국"),
        # Thai marks stay
        ("ภาษาไทย", "ภาษาไทย"),
        # sentence ends of other scripts
        ("中文。日本", "中文.日本"),
        ("भाषा। अब॥", "भाषा. अब."),
        ("لماذا؟ نعم۔", "لماذا? نعم."),
        # marks on punctuation or symbols, variation selectors
        ("\u0301abc", "abc"),
        ("x \u0301y", "x y"),
        ("❤\ufe0f 1\ufe0f\u20e3", "❤ 1"),
    ],
)
def test_fold_scripts(raw, folded):
    assert fold(raw) == folded
    assert fold_with_offsets(raw).folded == folded


def test_fold_cased_leaves_only_ascii_capitals():
    assert fold_cased("IĞDIR Façade") == "IgDIR Facade"
    assert fold_cased("IĞDIR Façade").lower() == fold("IĞDIR Façade")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=MULTI))
@example("\u1100\u0640\u1161")  # Hangul jamo separated by a tatweel, which folding drops
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


def test_fold_char_of_a_lone_mark():
    assert fold_char("\u0301") == ""
    assert fold_char("\u093f") == ""  # no letter to sit on
    assert fold_char("\u0131") == "i"


def test_offsets_of_clusters():
    text = "Зелёный и\u0306 fac\u0327ade"
    ft = fold_with_offsets(text)
    assert ft.folded == "зеленый й facade"
    j = ft.folded.rindex("й")
    assert text[ft.src_start[j] : ft.src_end[j]] == "и\u0306"
    toks = tokenize(text)
    assert [text[t.start : t.end] for t in toks] == ["Зелёный", "и\u0306", "fac\u0327ade"]


@pytest.mark.parametrize(
    "text, tokens",
    [
        ("हिंदी भाषा", ["हिंदी", "भाषा"]),
        ("राष्ट्रपति ने कहा।", ["राष्ट्रपति", "ने", "कहा"]),
        ("كَتَبَ الوَلَدُ الدَّرْسَ", ["كتب", "الولد", "الدرس"]),
        ("Мой дом, мои правила.", ["мой", "дом", "мои", "правила"]),
        ("ภาษาไทย ง่าย", ["ภาษาไทย", "ง่าย"]),
        ("中国人民", ["中", "国", "人", "民"]),
        ("日本語のテキスト", ["日", "本", "語", "の", "テ", "キ", "ス", "ト"]),
        ("コーヒー", ["コ", "ー", "ヒ", "ー"]),
        ("ｶﾞｲﾄﾞ", ["ガ", "イ", "ド"]),
        ("人々", ["人", "々"]),
        ("北京2024年GDP增长5.2%", ["北", "京", "2024", "年", "gdp", "增", "长", "5.2"]),
        ("「中国」・日本", ["中", "国", "日", "本"]),
        ("한국 경제", ["한국", "경제"]),
    ],
)
def test_token_rules_in_other_scripts(text, tokens):
    assert [t.norm for t in tokenize(text)] == tokens
    assert token_norms(text) == tokens
    assert count_tokens(text) == len(tokens)


def test_sentence_breaks_in_other_scripts():
    toks = tokenize("中国很大。日本很小！한국?")
    assert [(t.norm, t.sentence) for t in toks] == [
        ("中", 0), ("国", 0), ("很", 0), ("大", 0), ("日", 1), ("本", 1), ("很", 1), ("小", 1), ("한국", 2),
    ]
    assert [t.sentence for t in tokenize("यह सच है। वह भी।")] == [0, 0, 0, 1, 1]
    assert [t.sentence for t in tokenize("هل هذا صحيح؟ نعم")] == [0, 0, 0, 1]


@pytest.mark.parametrize(
    "term, words",
    [
        ("中国", ("中", "国")),
        ("中国*", ("中", "国*")),
        ("Iğdır", ("igdir",)),
        ("мой", ("мой",)),
        ("हिंदी भाषा", ("हिंदी", "भाषा")),
        ("الوَلَد", ("الولد",)),
    ],
)
def test_term_tokens_in_other_scripts(term, words):
    assert term_tokens(term) == words


def test_term_tokens_cjk_sentence_end():
    with pytest.raises(ValueError, match="contains sentence-ending punctuation"):
        term_tokens("中国。日本")


@pytest.mark.parametrize(
    "text, laid_out",
    [
        ("The U.S. plan", "The U.S. plan"),
        ("Façade «x»", "Facade \"x\""),
        ("中国人, 日本", " 中 国 人 ,  日 本 "),
        ("a中b", "a 中 b"),
        ("हिंदी—भाषा", "हिंदी-भाषा"),
        ("x ❤\ufe0f y", "x   y"),
        ("№ 5 ¿sí?", "no 5  si?"),
    ],
)
def test_fold_for_scan(text, laid_out):
    assert fold_for_scan(text) == laid_out


# fold_for_scan folds and blanks only the runs of non-ASCII characters (one
# pass); it must equal the whole-text form it replaced, kept here as the
# reference
import framing.text as text_module  # noqa: E402


def _fold_for_scan_reference(text: str, segmentation: str = "char") -> str:
    folded = fold_cased(text)
    if folded.isascii():
        return folded
    folded = text_module._NONTOKEN_NONASCII.sub(" ", folded)
    if text_module._CJK_HIGH.search(folded) and text_module._CJK_ONE.search(folded):
        if segmentation == "jieba":
            return text_module._CJK_RUN.sub(text_module._space_words, folded)
        folded = text_module._CJK_RUN.sub(text_module._space_cjk, folded)
    return folded


_SCAN_CHARS = (
    list("aZ9 .,'\"!?-\n\t") + list("\u2019\u201c\u201d\u2018\u2014\u2013\u00a0\u2026")  # ASCII, the common punctuation
    + list("éÉçßøłıİ\u00ad©•°·€£№¿«»") + ["\u0301", "\u0327", "\u0308", "\u034f", "\ufe0f"]  # letters, signs, marks
    + list("中国人日本ｶﾞ\uff9e\uff9f한\u1100\u1161\u11a8") + ["\u0640", "\u064b", "ب", "ё", "ѓ", "\u0435\u0308"]
    + ["ＡＢ", "\ufb01", "❤", "🎉", "\U0001d400", "\U000e0100", "\U0001e000", "\U00020000", "हिंदी"]
)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_SCAN_CHARS), st.characters(blacklist_categories=("Cs",))), max_size=40)
       .map("".join))
@example("x ❤\ufe0f y")
@example("a\u2019é\u2019\u0301b")
@example("\u0301é" * 20 + "中" * 20)
@example("a\ud800b\u2019")  # a lone surrogate is blanked
def test_fold_for_scan_is_the_whole_text_form(text):
    assert fold_for_scan(text) == _fold_for_scan_reference(text)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["中国", "人民", "日本", "银行", "ｶﾞ", "é", "\u2019", " ", "a", "\u0301", "。"]), max_size=20)
       .map("".join))
def test_fold_for_scan_is_the_whole_text_form_jieba(text):
    pytest.importorskip("jieba")
    assert fold_for_scan(text, segmentation="jieba") == _fold_for_scan_reference(text, "jieba")
