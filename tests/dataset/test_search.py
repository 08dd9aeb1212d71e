"""Text search over conversations."""

from services.dataset.search import TextIndex


def test_every_word_must_appear_case_insensitively(small_export, write_export):
    from services.dataset.loader import load_dataset

    ds = load_dataset(write_export(small_export))
    index = TextIndex(ds)
    assert index.matches("C-2 ANSWER") == [False, True]
    assert index.matches("user message") == [True, True]
    assert index.matches("nowhere") == [False, False]
    assert index.matches("   ") == [True, True]
