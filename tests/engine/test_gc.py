"""engine._gc.fewer_collections: raises the first threshold for a block and always puts it back."""

import gc

import pytest

from tipwatch.engine._gc import fewer_collections


@pytest.fixture(autouse=True)
def _restore_threshold():
    old = gc.get_threshold()
    yield
    gc.set_threshold(*old)


def test_raised_inside_restored_after():
    gc.set_threshold(700, 10, 10)
    with fewer_collections(5000):
        assert gc.get_threshold() == (5000, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)


def test_restored_after_an_exception():
    gc.set_threshold(700, 10, 10)
    with pytest.raises(RuntimeError), fewer_collections(5000):
        raise RuntimeError("boom")
    assert gc.get_threshold() == (700, 10, 10)


def test_higher_threshold_and_disabled_collection_left_alone():
    gc.set_threshold(50_000, 10, 10)
    with fewer_collections(5000):
        assert gc.get_threshold()[0] == 50_000
    assert gc.get_threshold()[0] == 50_000
    gc.set_threshold(0)
    with fewer_collections(5000):
        assert gc.get_threshold()[0] == 0
    assert gc.get_threshold()[0] == 0


def test_a_change_made_inside_the_block_is_kept():
    # someone else (another thread's block, the application) set a threshold meanwhile: keep theirs
    gc.set_threshold(700, 10, 10)
    with fewer_collections(5000):
        gc.set_threshold(1234, 10, 10)
    assert gc.get_threshold()[0] == 1234
