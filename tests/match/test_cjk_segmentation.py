"""Dictionary segmentation of Chinese wired through the matcher (issue 15).

Counts below are hand-checked: jieba's bundled dictionary, HMM off.
"""

from __future__ import annotations

import pickle
import random
import sys

import pandas as pd
import pytest

from framing.lexicon import Category, Lexicon
from framing.match import Matcher, compile_lexicon, hits, kwic, score
from framing.match.batch import count_texts
from framing.match.terms import term_matrix
from framing.text import count_tokens, term_tokens, token_norms, tokenize

# "China's economic policy changed in 2024.  Economists say economic growth is slowing."
A = "中国的经济政策在2024年发生了变化。经济学家说经济增长放缓。"
# "The government does not reform the policy; economics is not the economy."
B = "政府不改革政策，经济学不是经济。"
#    char: 中 国 的 经 济 政 策 在 2024 年 发 生 了 变 化 | 经 济 学 家 说 经 济 增 长 放 缓
#    jieba: 中国 的 经济 政策 在 2024 年 发生 了 变化 | 经济学家 说 经济 增长 放缓
TOKENS = {"char": (26, 14), "jieba": (15, 7)}


def _lexicon() -> Lexicon:
    return Lexicon.build("zh", [Category("econ"), Category("policy", negation_window=2)],
                         [("经济", "econ", 1.0, None), ("经济增长", "econ", 1.0, None), ("政策", "policy", 1.0, None),
                          ("改革*", "policy", 1.0, None)], negators=["不"])


def _corpus() -> pd.DataFrame:
    return pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["x", "y"], "text": [A, B]})


def test_char_counts_characters_and_is_the_default():
    table = score(_corpus(), _lexicon(), voice="all")
    assert table.equals(score(_corpus(), _lexicon(), voice="all", segmentation="char"))
    got = table.set_index(["doc_id", "category"])
    # 经济 also inside 经济学家 and 经济学 (two characters in sequence)
    assert got.loc[("a", "econ"), "count"] == 3 and got.loc[("b", "econ"), "count"] == 2
    assert tuple(got.xs("econ", level="category")["tokens"]) == TOKENS["char"]
    assert compile_lexicon(_lexicon()).segmentation == "char"


def test_jieba_counts_words_not_characters():
    pytest.importorskip("jieba")
    table = score(_corpus(), _lexicon(), voice="all", segmentation="jieba").set_index(["doc_id", "category"])
    # 经济 is not inside 经济学家 / 经济学 (other words); 经济增长 is the phrase 经济 增长
    assert table.loc[("a", "econ"), "count"] == 2 and table.loc[("b", "econ"), "count"] == 1
    assert tuple(table.xs("econ", level="category")["tokens"]) == TOKENS["jieba"]
    assert [count_tokens(t, segmentation="jieba") for t in (A, B)] == list(TOKENS["jieba"])
    # 不 is two words before 政策 (不 改革 政策): negated; under char 改 革 are two tokens, so not
    assert (table.loc[("b", "policy"), "count"], table.loc[("b", "policy"), "negated"]) == (0, 2)
    char = score(_corpus(), _lexicon(), voice="all").set_index(["doc_id", "category"])
    assert (char.loc[("b", "policy"), "count"], char.loc[("b", "policy"), "negated"]) == (1, 1)


def test_jieba_hits_have_exact_offsets():
    pytest.importorskip("jieba")
    found = hits(_corpus(), _lexicon(), voice="all", segmentation="jieba")
    assert list(zip(found["doc_id"], found["entry"], found["start"], found["end"], found["negated"])) == [
        ("a", "经济", 3, 5, False), ("a", "政策", 5, 7, False), ("a", "经济增长", 24, 28, False),
        ("b", "改革*", 3, 5, True), ("b", "政策", 5, 7, True), ("b", "经济", 13, 15, False),
    ]
    text = {"a": A, "b": B}
    assert all(text[d][s:e] == m for d, s, e, m in zip(found["doc_id"], found["start"], found["end"],
                                                       found["matched_text"]))
    lines = kwic(_corpus(), _lexicon(), voice="all", segmentation="jieba", categories=["econ"], width=3)
    assert list(lines["match"]) == ["经济", "经济增长", "经济"] and list(lines["left"]) == ["中国的", "学家说", "学不是"]


def test_terms_are_split_with_the_same_segmenter():
    pytest.importorskip("jieba")
    assert term_tokens("经济") == ("经", "济") and term_tokens("经济", segmentation="jieba") == ("经济",)
    assert term_tokens("经济政策", segmentation="jieba") == ("经济", "政策")
    assert term_tokens("经济*", segmentation="jieba") == ("经济*",)  # every word starting with 经济
    assert term_tokens("中国经济 reform*", segmentation="jieba") == ("中国", "经济", "reform*")
    matcher = compile_lexicon(_lexicon(), segmentation="jieba")
    assert [e.pattern for e in matcher.entries] == [("经济",), ("经济", "增长"), ("政策",), ("改革*",)]
    assert [e.pattern for e in matcher.lexicon.entries][:2] == [("经", "济"), ("经", "济", "增", "长")]
    glob = Lexicon.build("g", [Category("c")], [("经济*", "c", 1.0, None)])
    assert [t[h.start:h.end] for t in (A,) for h in Matcher(glob, segmentation="jieba").find(A)] == \
        ["经济", "经济学家", "经济"]


def _random_texts(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    words = ["经济", "经济学", "经济学家", "政策", "改革", "不", "不是", "中国", "增长", "发展", "的", "了", "说",
             "Economy", "growth", "2024", "日本", "のテキスト"]
    seps = ["", "", "", " ", "，", "。", "“", "”", "、", "！", " not "]
    return ["".join(rng.choice(words) + rng.choice(seps) for _ in range(rng.randint(0, 30))) for _ in range(n)]


@pytest.mark.parametrize("scope", ["category", "lexicon"])
def test_jieba_fast_batch_and_token_paths_agree(scope):
    pytest.importorskip("jieba")
    lex = Lexicon.build("zh", [Category("econ", negation_window=3), Category("policy")],
                        [("经济", "econ", 1.0, None), ("经济增长", "econ", 0.5, None), ("经济*", "policy", 2.0, None),
                         ("政策", "policy", 1.0, None), ("中国 经济", "policy", 1.0, None), ("economy", "econ", 1.0, None),
                         ("不是", "policy", 1.0, None)], negators=["不", "not"], nested_scope=scope)
    matcher = Matcher(lex, segmentation="jieba")
    texts = _random_texts(7, 300)
    count, negated, weight, tokens = count_texts(matcher, texts)
    for i, text in enumerate(texts):
        one = matcher.count(text)["all"]
        found = matcher.find(text)
        assert list(count[i]) == list(one.count) and list(negated[i]) == list(one.negated), text
        assert list(weight[i]) == list(one.weight) and tokens[i] == one.tokens == count_tokens(text, segmentation="jieba")
        for k, cat in enumerate(matcher.categories):
            assert sum(1 for h in found if h.category == cat and not h.negated) == count[i, k], text
            assert sum(1 for h in found if h.category == cat and h.negated) == negated[i, k], text
        norms = [t.norm for t in tokenize(text, segmentation="jieba")]
        for h in found:
            assert text[h.start:h.end].lower().replace(" ", "") != "" and h.end > h.start
        assert norms == token_norms(text, segmentation="jieba")


def test_texts_without_han_are_scored_alike_under_both():
    pytest.importorskip("jieba")
    lex = Lexicon.build("en", [Category("c", negation_window=2)], [("façade", "c", 1.0, None), ("ratchet up", "c", 1.0, None)],
                        negators=["not"])
    texts = ["It was not a façade. They ratchet up pressure.", "Nothing here.", "Façade, façade!"]
    char, jieba = (count_texts(Matcher(lex, segmentation=s), texts) for s in ("char", "jieba"))
    assert all((a == b).all() for a, b in zip(char, jieba))


def test_one_matcher_per_lexicon_and_segmentation():
    pytest.importorskip("jieba")
    lex = _lexicon()
    char, jieba = compile_lexicon(lex), compile_lexicon(lex, segmentation="jieba")
    assert char is not jieba and char is compile_lexicon(lex, segmentation="char")
    assert jieba is compile_lexicon(lex, segmentation="jieba") and compile_lexicon(jieba) is jieba
    assert repr(jieba) == "Matcher('zh': 2 categories, 4 entries, segmentation 'jieba')"
    again = pickle.loads(pickle.dumps(jieba))
    assert again.segmentation == "jieba" and again.count(A)["all"].tokens == 15
    with pytest.raises(ValueError, match=r"segmentation: expected the matcher's own 'jieba' .*got 'char'"):
        compile_lexicon(jieba, segmentation="char")
    with pytest.raises(ValueError, match=r"segmentation: expected one of 'char', 'jieba', got 'mecab'"):
        score(_corpus(), lex, segmentation="mecab")
    with pytest.raises(ValueError, match=r"segmentation: expected one of 'char', 'jieba', got 'words'"):
        Matcher(lex, segmentation="words")


def test_workers_keep_the_segmentation():
    pytest.importorskip("jieba")
    corpus = pd.concat([_corpus()] * 3, ignore_index=True).assign(doc_id=lambda f: [f"d{i}" for i in range(len(f))])
    one = score(corpus, _lexicon(), voice="all", segmentation="jieba")
    two = score(corpus, _lexicon(), voice="all", segmentation="jieba", n_jobs=2, chunk_size=2)
    assert one.equals(two) and set(one["tokens"]) == {15, 7}


def test_term_matrix_counts_jieba_words():
    pytest.importorskip("jieba")
    m = term_matrix([A, B], segmentation="jieba", ngram_range=(1, 2))
    assert "经济学家" in m.terms and "经济 增长" in m.terms and "变化 经济学家" not in m.terms  # no n-gram across 。
    assert list(m.doc_tokens) == list(TOKENS["jieba"])
    assert list(term_matrix([A, B]).doc_tokens) == list(TOKENS["char"])
    assert term_matrix([A], segmentation="jieba", stop_words=["我们"]).shape[1] == 15 - 1  # 经济 twice
    with pytest.raises(ValueError, match=r"segmentation: expected one of 'char', 'jieba', got 'x'"):
        term_matrix([A], segmentation="x")


def test_missing_jieba_names_the_option_and_the_extra(monkeypatch):
    from framing import text

    monkeypatch.setitem(sys.modules, "jieba", None)
    text._jieba_tokenizer.cache_clear()
    compile_lexicon.cache_clear()
    try:
        with pytest.raises(ImportError, match=r"segmentation='jieba' needs the optional dependency jieba: "
                                              r"pip install 'framing-toolkit\[cjk\]'"):
            score(_corpus(), _lexicon(), segmentation="jieba")
    finally:
        text._jieba_tokenizer.cache_clear()
        compile_lexicon.cache_clear()
