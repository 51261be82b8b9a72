import pandas as pd
import pytest

from framing.classify.inputs import texts_of


def test_texts_of_reads_iterables_and_text_columns():
    assert texts_of(["a", "b"]) == ["a", "b"]
    assert texts_of(t for t in ("x", "y")) == ["x", "y"]
    assert texts_of(pd.DataFrame({"text": ["p", "q"], "outlet": ["o", "o"]})) == ["p", "q"]
    assert texts_of(pd.Series(["s"])) == ["s"]


def test_texts_of_errors_name_the_input():
    with pytest.raises(TypeError, match="X must be an iterable of strings \\(one text per sample\\), not a single string"):
        texts_of("one text")
    with pytest.raises(TypeError, match=r"Model X\[1\] must be a string, got float"):
        texts_of(["a", float("nan")], "Model X")
    with pytest.raises(ValueError, match="X is a DataFrame without a 'text' column; columns: body, outlet"):
        texts_of(pd.DataFrame({"body": ["a"], "outlet": ["o"]}))
