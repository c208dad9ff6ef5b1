import pytest

from geo.textutil import fold, is_latin, name_key


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("São Paulo", "sao paulo"),
        ("Zaporizhzhia", "zaporizhzhia"),
        ("Kyiv’s", "kyiv's"),
        ("Łódź", "lodz"),
        ("İstanbul", "istanbul"),
        ("Москва", "москва"),
        ("Straße", "strase"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded
    assert len(fold(text)) == len(text)


def test_fold_keeps_length_on_mixed_scripts() -> None:
    text = "Zaporizhzhia — Запоріжжя, İzmir, Ærø\nnext"
    assert len(fold(text)) == len(text)


def test_name_key_collapses_spaces() -> None:
    assert name_key("  New   York ") == "new york"


@pytest.mark.parametrize(("name", "latin"), [("Kyiv", True), ("São Paulo", True), ("Київ", False), ("東京", False)])
def test_is_latin(name: str, latin: bool) -> None:
    assert is_latin(name) is latin
