import pytest

from tipwatch.engine.types import MAX_FIELD_CHARS, AdError, Entity, ad_from_dict, content_hash


def test_ad_from_dict_reads_the_contract_fields():
    ad = ad_from_dict(
        {
            "id": "a1",
            "title": "T",
            "body": "B",
            "url": "https://x.example/1",
            "country": "us",
            "city": "Reno",
            "lang": "en",
            "posted_at": "2026-09-01T10:00:00Z",
            "site": "x.example",
        }
    )
    assert (ad.id, ad.title, ad.body, ad.country, ad.city) == ("a1", "T", "B", "US", "Reno")
    assert ad.extra == {"site": "x.example"}
    assert ad.to_dict()["url"] == "https://x.example/1"


def test_missing_id_gets_a_stable_content_id():
    a = ad_from_dict({"body": "same words"})
    b = ad_from_dict({"body": "same   words"})
    c = ad_from_dict({"body": "other words"})
    assert a.id == b.id and a.id.startswith("h")
    assert a.id != c.id


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ([1, 2], "ad.not_object"),
        ({"id": "x"}, "ad.no_body"),
        ({"body": "b", "country": "USA"}, "ad.bad_country"),
        ({"body": "b", "images": "a.jpg"}, "ad.bad_images"),
    ],
)
def test_bad_records_raise_with_a_stable_code(data, code):
    with pytest.raises(AdError) as info:
        ad_from_dict(data)
    assert info.value.code == code


def test_huge_fields_are_truncated_and_flagged():
    ad = ad_from_dict({"body": "x" * (MAX_FIELD_CHARS + 10)})
    assert len(ad.body) == MAX_FIELD_CHARS and ad.extra["truncated"] is True


def test_content_hash_ignores_whitespace_layout_but_not_words():
    assert content_hash("t", "a  b\nc") == content_hash("t", "a b c")
    assert content_hash("t", "a b c") != content_hash("t", "a b d")
    assert content_hash("t1", "x") != content_hash("t2", "x")


def test_entity_to_dict_flattens_attributes():
    e = Entity("handle", "jane", "@jane", 3, 8, attrs={"platform": "telegram"})
    assert e.to_dict() == {
        "type": "handle",
        "value": "jane",
        "raw": "@jane",
        "start": 3,
        "end": 8,
        "obfuscated": False,
        "field": "body",
        "platform": "telegram",
    }
