from __future__ import annotations

import pytest

from app import vocab


def labelled_classes():
    return [obj for obj in vars(vocab).values()
            if isinstance(obj, type) and issubclass(obj, vocab.Labelled) and obj is not vocab.Labelled]


@pytest.mark.parametrize("cls", labelled_classes(), ids=lambda c: c.__name__)
def test_every_code_has_its_own_japanese_label_and_parses_back(cls):
    labels = [member.label for member in cls]
    assert len(set(labels)) == len(labels)
    for member in cls:
        assert cls.parse(member.value) is member
        assert cls.parse(member.label) is member
    with pytest.raises(ValueError):
        cls.parse("no such code")
