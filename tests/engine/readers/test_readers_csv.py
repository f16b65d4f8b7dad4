"""CSV / TSV reader: header mapping, bad rows with line numbers, BOM, huge fields."""

from __future__ import annotations

import pytest

from tipwatch.engine.readers import SourceError, count_hint, read_source
from tipwatch.engine.types import Ad, Rejected


def _ids(items):
    return [x.id if isinstance(x, Ad) else (x.location.rsplit(":", 1)[1], x.code) for x in items]


def test_mapping_maps_columns_to_ad_fields_and_keeps_the_others_in_extra(tmp_path):
    path = tmp_path / "ads.csv"
    path.write_text(
        "ad_id,text,where,site\nq1,Hello there,Lima,example\nq2,Second ad,,other\n", encoding="utf-8"
    )
    ads = list(read_source(path, mapping={"body": "text", "id": "ad_id", "city": "where"}))
    assert [(a.id, a.body, a.city) for a in ads] == [("q1", "Hello there", "Lima"), ("q2", "Second ad", None)]
    assert ads[0].extra == {"site": "example"}


def test_common_column_names_are_recognised_without_mapping(tmp_path):
    path = tmp_path / "ads.csv"
    path.write_text(
        "ID,Subject,Description,Link,Country,Language,Date\n"
        '7,Nice job,"Line one\nline two, with comma",https://ads.test/7,ro,ro,2024-03-01\n',
        encoding="utf-8",
    )
    (ad,) = read_source(path)
    assert ad.id == "7"
    assert ad.title == "Nice job"
    assert ad.body == "Line one\nline two, with comma"
    assert (ad.url, ad.country, ad.lang, ad.posted_at) == ("https://ads.test/7", "RO", "ro", "2024-03-01")


def test_bad_quotes_and_wrong_column_counts_are_rejected_with_their_line(tmp_path):
    path = tmp_path / "ads.csv"
    path.write_text(
        'id,body\nr1,fine\nr2,too,many\nr3,"multi\nline"\nr4,"bad" quote inside\nr5\n\nr6,still read\nr7,\n',
        encoding="utf-8",
    )
    out = list(read_source(path))
    assert _ids(out) == [
        "r1",
        ("3", "csv.wrong_columns"),
        "r3",
        ("6", "csv.bad_row"),
        ("7", "csv.wrong_columns"),
        "r6",
        ("10", "ad.no_body"),
    ]
    reasons = " ".join(r.reason for r in out if isinstance(r, Rejected))
    assert "quoting" in reasons and "inside" not in reasons  # describes the syntax, never the content


def test_tsv_with_bom_and_invalid_utf8(tmp_path):
    path = tmp_path / "ads.tsv"
    path.write_bytes(b"\xef\xbb\xbfid\tbody\nt1\tna\xefve, comma\nt2\tclean\x00text\n")
    first, second = read_source(path)
    assert first.id == "t1"  # the BOM did not stick to the first column name
    assert first.body == "na\ufffdve, comma"
    assert first.extra["encoding_repaired"] is True
    assert second.body == "cleantext"
    assert "encoding_repaired" not in second.extra


def test_semicolon_delimiter_is_detected(tmp_path):
    path = tmp_path / "ads.csv"
    path.write_text("id;body\ns1;a, b and c\n", encoding="utf-8")
    (ad,) = read_source(path)
    assert (ad.id, ad.body) == ("s1", "a, b and c")


def test_huge_field_is_rejected_and_the_next_row_read(tmp_path):
    path = tmp_path / "ads.csv"
    with open(path, "wb") as fh:
        fh.write(b"id,body\nh1,")
        fh.write(b"z" * (17 * 1024 * 1024))
        fh.write(b"\nh2,after the big one\n")
    out = list(read_source(path))
    assert _ids(out) == [("2", "csv.too_long"), "h2"]


def test_field_of_ten_megabytes_is_read(tmp_path):
    path = tmp_path / "ads.csv"
    path.write_bytes(b'id,body\nb1,"' + b"w " * (5 * 1024 * 1024) + b'"\nb2,next\n')
    out = list(read_source(path))
    assert _ids(out) == ["b1", "b2"]


def test_mapping_errors_name_the_column_and_the_header(tmp_path):
    path = tmp_path / "ads.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        list(read_source(path, mapping={"body": "text"}))
    assert err.value.code == "source.bad_mapping"
    assert "text" in str(err.value) and "a, b" in str(err.value)
    with pytest.raises(SourceError) as err:
        list(read_source(path))  # no recognisable text column
    assert "mapping" in str(err.value)
    with pytest.raises(SourceError) as err:
        read_source(path, mapping={"bodyy": "a"})
    assert err.value.code == "source.bad_mapping"


def test_base_id_and_count_hint(tmp_path):
    path = tmp_path / "ads.csv"
    path.write_text("body\nfirst\nsecond\nthird", encoding="utf-8")
    assert [a.id for a in read_source(path, base_id="b")] == ["b-2", "b-3", "b-4"]
    assert count_hint(path) == 3
