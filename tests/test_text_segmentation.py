"""Opt-in dictionary segmentation of Han text (framing.text, segmentation="jieba")."""

import pytest

from framing.text import SEGMENTATIONS, count_tokens, token_norms, tokenize


def test_char_is_the_default_and_unknown_segmentations_are_refused():
    assert SEGMENTATIONS == ("char", "jieba")
    assert token_norms("经济政策") == ["经", "济", "政", "策"] == token_norms("经济政策", segmentation="char")
    with pytest.raises(ValueError, match=r"segmentation: expected one of 'char', 'jieba', got 'mecab'"):
        tokenize("经济", segmentation="mecab")


def test_jieba_words_with_exact_offsets():
    pytest.importorskip("jieba")
    text = "中国的经济政策在2024年发生了变化。 我们研究新闻媒体。"
    tokens = tokenize(text, segmentation="jieba")
    # hand-checked: jieba's dictionary words, HMM off
    assert [t.norm for t in tokens] == ["中国", "的", "经济", "政策", "在", "2024", "年", "发生", "了", "变化",
                                        "我们", "研究", "新闻媒体"]
    for t in tokens:
        assert text[t.start:t.end] == t.norm
    assert [t.sentence for t in tokens] == [0] * 10 + [1] * 3
    assert count_tokens(text, segmentation="jieba") == 13 and count_tokens(text) == 23
    assert token_norms(text, segmentation="jieba") == [t.norm for t in tokens]


def test_jieba_keeps_spaces_sentences_and_other_scripts_apart():
    pytest.importorskip("jieba")
    # a space or a sentence break between characters is never bridged; Latin text is untouched
    text = "经 济。政策 Trade policy"
    assert token_norms(text, segmentation="jieba") == ["经", "济", "政策", "trade", "policy"]
    # offsets map to the original even when folding changes the text (full-width letters fold to ASCII)
    text = "ＡＢ 经济学家说"
    tokens = tokenize(text, segmentation="jieba")
    assert [(t.norm, text[t.start:t.end]) for t in tokens] == [("ab", "ＡＢ"), ("经济学家", "经济学家"), ("说", "说")]


def test_missing_jieba_says_how_to_install(monkeypatch):
    import sys

    from framing import text

    monkeypatch.setitem(sys.modules, "jieba", None)  # import jieba -> ImportError
    text._jieba_tokenizer.cache_clear()
    try:
        with pytest.raises(ImportError, match=r"segmentation='jieba' needs the optional dependency jieba: "
                                              r"pip install 'framing-toolkit\[cjk\]'"):
            tokenize("经济政策", segmentation="jieba")
    finally:
        text._jieba_tokenizer.cache_clear()
