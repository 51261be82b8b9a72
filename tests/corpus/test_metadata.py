from framing.corpus.metadata import MetadataRows
from framing.corpus.readers import iter_documents, read_corpus
from framing.experiment.textstore import split_corpus

from ..paths import REPO

SAMPLE = REPO / "corpora" / "sample" / "articles.jsonl"


def test_metadata_rows_equal_the_corpus_frame_without_its_text(tmp_path):
    path = tmp_path / "extra.jsonl"
    path.write_text('{"doc_id": "a", "outlet": "o", "text": "one"}\n'
                    '{"doc_id": "b", "outlet": "o", "text": "two", "lean": "left", "rank": 2}\n', encoding="utf-8")
    for source in (SAMPLE, path):
        rows = MetadataRows()
        for doc in iter_documents(source):
            rows.add(doc)
        frame = read_corpus(source).frame
        assert rows.n == len(frame) and rows.columns == list(frame.columns)
        expected = split_corpus(frame)[0].reset_index(drop=True)
        assert rows.frame().equals(expected) and list(rows.frame().dtypes) == list(expected.dtypes)
