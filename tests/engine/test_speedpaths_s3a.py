"""The speed-ups of the s3a pass keep behaviour: each fast path gives the general path's answer
on cases that exercise its edges."""

from __future__ import annotations

import random
import re
import sys

import phonenumbers
import pytest
from phonenumbers import phonenumberutil as _pu

import tipwatch.engine.text  # noqa: F401  (the package re-exports the function, not the module)
from tipwatch.engine.extract import _phone_validate as V

N = sys.modules["tipwatch.engine.text.normalise"]


def _slow(text: str) -> tuple:
    n = N._Builder(text).run()
    return n.original, n.text, list(n.offsets), list(n.ends)


def _fast(text: str) -> tuple:
    n = N.normalise(text)
    ends = list(n.ends) if n.ends is not None else [n.span(i, i + 1)[1] for i in range(len(n.text))]
    return n.original, n.text, list(n.offsets), ends


NORMALISE_TEXTS = [
    "Новые девушки каждую неделю, Сочи 💕",
    "Маша 22 года\nзвони 8 (943) 378-84-56",
    "Call mе now: ѕех 💋",  # Cyrillic look-alikes in Latin words: folded
    "руб 6869О537 37ВОСЕМЬ",
    "café ünïcödé\nzweite Zeile",
    "é",  # composed: already NFKC
    "e\u0301",  # decomposed: not NFKC, the builder composes it
    "ｆｕｌｌ９２９",  # fullwidth: not NFKC
    "٠١٢ arabic digits",  # digits of another script are translated
    "𝟗𝟐𝟗 math digits",  # astral digits
    "𐒠 osmanya zero",  # the first astral digit
    "🀄 mahjong inside the astral digit span",
    "4\ufe0f\u20e3 keycap",
    "tag\U000e0041 char",
    "a\u200bb zero width",
    "nbsp\xa0here",
    "tab\there ü",
    "cr\r\nü",
    "nel\x85ü",
    "ü  double",
    "ü\n\ndouble",
    "ü \nmixed",
    "ü\n mixed",
    "ü &amp; entity",
    "ü & not one",
    "ü\x00nul",
    "ü\x7fdel",
    "\u2028ü",
    "ΑΒΓ Greek capitals",
    "ü",
    "",
]


@pytest.mark.parametrize("text", NORMALISE_TEXTS)
def test_normalise_fast_path_matches_builder(text: str) -> None:
    assert _fast(text) == _slow(text)


def test_normalise_fast_path_random() -> None:
    rnd = random.Random(3)
    alphabet = list(
        "ab1O0l \n\t&;#xаеоОсрѕ०١２①➀❶4\ufe0f\u20e3\u200b\xa0\u0301éé😀💕𝟗\U0001d7ce\r\x85.-ßİ\u2028\u3000ﬁ"
    )
    for _ in range(20_000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 14)))
        assert _fast(text) == _slow(text), repr(text)


def _fold_by_every_run(text: str) -> str:
    """The s1 formulation of _fold for a text that is not mostly Latin: every ASCII run is
    visited and its neighbours tested (the fast one jumps to the runs with a letter or digit of
    another script next to them)."""
    parts: list[str] = []
    done = copied = 0
    n = len(text)
    while True:
        m = re.compile(r"[A-Za-z0-9]+").search(text, done)
        if m is None:
            break
        i, k = m.span()
        if not (
            (i and not text[i - 1].isascii() and text[i - 1].isalnum())
            or (k < n and not text[k].isascii() and text[k].isalnum())
        ):
            done = k
            continue
        ws = i
        while ws > 0 and i - ws <= N._MAX_WORD and (text[ws - 1].isalnum() or text[ws - 1] == "_"):
            ws -= 1
        wm = N._WORD_RE.match(text, i)
        we = wm.end() if wm else i + 1
        done = max(we, i + 1)
        if i - ws > N._MAX_WORD or we - ws > N._MAX_WORD or ws < copied:
            continue
        word = text[ws:we]
        if N._should_fold(word, False):
            parts.append(text[copied:ws])
            parts.append(word.translate(N._CONFUSABLES))
            copied = we
    if not parts:
        return text
    parts.append(text[copied:])
    return "".join(parts)


def _latin_major(text: str) -> bool:
    ascii_chars = len(text.encode("ascii", "ignore"))
    return ascii_chars - text.count(" ") > len(text) - ascii_chars


FOLD_TEXTS = [
    "Маша 6869О537 звони",
    "руб 37ВОСЕМЬ СЕМЬ7 тел",
    "Новые девушки ВТС: 1JcTiВD3 Viber: 899О765",
    "сеx ѕех привет мир",  # Latin glued to look-alikes
    "ж" + "a" * 200 + "ж",  # a run longer than a word: visited in 65-character steps
    "жжж" + "a" * 70 + " bbb",
    "о " + "a" * 5000 + "о",  # a long run, then a letter of another script: read in steps
    "о" + ("a" * 70 + "о") * 40,
    "_aО_ жжж",
    "中文abc中文 О1",
    "ΑΒΓ abcΑ ΔΕΖ",
]


@pytest.mark.parametrize("text", FOLD_TEXTS)
def test_fold_jumps_like_visiting_every_run(text: str) -> None:
    text += " " + "щ" * len(text)  # mostly another script, whatever the case
    assert not _latin_major(text)
    assert N._fold(text) == _fold_by_every_run(text)


def test_fold_jumps_like_visiting_every_run_random() -> None:
    rnd = random.Random(9)
    alphabet = list("abcxyzO0l19 _-.аеорсухѕіјАВЕКМНОРСТХжщяΑΒΕΖΗΙΚΜΝΟΡΤΥΧабвгдæéßł中")
    checked = 0
    for _ in range(30_000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 40)))
        if _latin_major(text):
            continue
        checked += 1
        assert N._fold(text) == _fold_by_every_run(text), repr(text)
    assert checked > 10_000


# --- phone validation: _read follows phonenumbers.parse for ASCII digit strings -----------------


def _library(digits: str, region: str | None, plus: bool) -> object:
    try:
        return phonenumbers.parse(("+" if plus else "") + digits, region)
    except phonenumbers.NumberParseException:
        return None


def _same_number(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is b
    return a.__dict__ == b.__dict__  # every field: country code, national number, leading zeros ...


def _digit_cases(rnd: random.Random) -> list[tuple[str, str | None, bool]]:
    """Digit strings in every region with the prefixes parse treats specially (IDDs, national
    prefixes, the region's own country code written without "+"), real example numbers, and
    "+" numbers with every country code."""
    cases: list[tuple[str, str | None, bool]] = []
    codes = sorted(_pu.COUNTRY_CODE_TO_REGION_CODE)
    for region in [*sorted(_pu.SUPPORTED_REGIONS), "XX", "001", "us"]:
        md = _pu.PhoneMetadata.metadata_for_region(region.upper(), None)
        prefixes = ["", "0", "00", "011", "8", "810", "1", "0011", f"00{rnd.choice(codes)}"]
        if md is not None:
            cc, np_ = str(md.country_code), md.national_prefix or ""
            prefixes += [cc, cc + "0", "0" + cc, np_, np_ + np_]
            for desc in (md.fixed_line, md.mobile, md.toll_free, md.premium_rate, md.voip):
                if desc is not None and desc.example_number:
                    ex = desc.example_number
                    for v in (ex, "0" + ex, cc + ex, np_ + ex, ex[:-1], ex + "1", "00" + cc + ex):
                        cases.append((v, region, False))
                        cases.append((cc + v, None, True))
        for length in range(3, 18):
            for _ in range(3):
                p = rnd.choice(prefixes)
                body = "".join(rnd.choice("0123456789") for _ in range(length))
                cases.append(((p + body)[: max(length, len(p) + 1)], region, False))
    for _ in range(3000):
        head = rnd.choice(["", "0", str(rnd.choice(codes)), str(rnd.choice(codes)) + "0"])
        body = "".join(rnd.choice("0123456789") for _ in range(rnd.randint(0, 14)))
        cases.append((head + body, None, True))
    return cases


def test_read_matches_phonenumbers_parse() -> None:
    if not V._FAST:
        pytest.skip("this phonenumbers release lacks an internal _read follows")
    followed = 0
    for digits, region, plus in _digit_cases(random.Random(7)):
        got = V._read(digits, region, plus)
        if got is V._UNSURE:
            continue
        followed += 1
        assert _same_number(got, _library(digits, region, plus)), (digits, region, plus)
    assert followed > 10_000


@pytest.mark.parametrize(
    ("digits", "region", "plus"),
    [
        ("12", "US", False),  # too short to follow: parse answers
        ("123", "US", True),  # a "+" with a region: parse answers
        ("９２９２７２７８９８", "US", False),  # not ASCII: parse answers
    ],
)
def test_read_leaves_other_inputs_to_parse(digits: str, region: str | None, plus: bool) -> None:
    assert V._read(digits, region, plus) is V._UNSURE


def test_to_e164_and_region_match_the_library() -> None:
    """The whole validation (fast reading, is_valid_number as region + validity, kept region)
    against the plain library calls."""
    rnd = random.Random(11)
    compared = 0
    for digits, region, plus in _digit_cases(rnd)[::7]:
        if not 7 <= len(digits) <= 15 or plus or region is None or region != region.upper():
            continue
        V.to_e164.cache_clear()
        got = V.to_e164(digits, False, region)
        n = _library(digits, region, False)
        if n is None or not phonenumbers.is_valid_number(n) or digits.startswith("00"):
            continue  # (the trunk-zero and "00" policies are to_e164's own: compared below)
        want = phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164)
        if region in V.TRUNK_ZERO and digits[0] != "0":
            continue
        if region in V._NANP and digits.startswith("011"):
            continue
        assert got == want, (digits, region)
        assert V.region_for(got) == phonenumbers.region_code_for_number(n)
        compared += 1
    assert compared > 100
    for e164 in ("+14155550123", "+79161234567", "+447911123456", "+33612345678", "+12423570000"):
        V._PARSED.clear()  # not just validated: parsed again
        assert V.region_for(e164) == phonenumbers.region_code_for_number(phonenumbers.parse(e164))


def test_is_valid_number_is_region_then_validity() -> None:
    """_parse relies on is_valid_number(n) == is_valid_number_for_region(n, region_code_for_number(n))."""
    rnd = random.Random(5)
    for digits, region, plus in _digit_cases(rnd)[::5]:
        n = _library(digits, region, plus)
        if n is not None:
            rc = phonenumbers.region_code_for_number(n)
            assert phonenumbers.is_valid_number(n) == phonenumbers.is_valid_number_for_region(n, rc)


# --- language: the batch's counting done once ---------------------------------------------------


def test_score_many_matches_score_per_text() -> None:
    pytest.importorskip("numpy")
    pytest.importorskip("py3langid")
    import numpy as np

    from tipwatch.engine.extract import language

    model = language._model()
    texts = [
        "Hola, soy nueva en la ciudad, llámame para más información",
        "",  # no feature at all: the prior decides
        "Bonjour, je suis nouvelle en ville, appelle-moi",
        "Новые девушки каждую неделю, звони",
        "a",
        "xxxxxxxxxxxxxxxxxxxxxxxx",
        "Neue Mädchen jede Woche, ruf mich an",
        "the same text twice",
        "the same text twice",
        "🙂🙂🙂",
    ]
    k = model.depth
    raws = [t.encode("utf-8") for t in texts]
    data = np.frombuffer(b"".join(b"\xff" * (k - 1) + r for r in raws), dtype=np.uint8).astype(np.int32)
    n = len(data) - (k - 1)
    p = data[:n] + model.start
    for off in range(1, k):
        p = model.step.take(p)
        p += data[off : off + n]
    every = model.feature.take(p)
    bounds, o = [], 0
    for r in raws:
        bounds.append((o, o + len(r)))
        o += k - 1 + len(r)
    assert model._score_many(every, bounds) == [model._score(every[a:b]) for a, b in bounds]
    assert model._score_many(every, []) == []
    # and through the public entry point, one text at a time and as a batch
    assert model.classify_many(texts) == [model.classify(t) for t in texts]


# --- the phone scanner: gap kinds cached, one pass per run --------------------------------------


def _scan_by_regex_calls(low: str, lex: object) -> list:
    """The s1b scanner: three regex calls per pair of neighbouring atoms, a sum in _flush, three
    generator passes in _keep."""
    from tipwatch.engine.extract import _phone_scan as S

    runs: list = []

    def keep(atoms: list) -> None:
        if atoms and sum(len(a.text) or len(a.tokens) for a in atoms) >= 7:
            gaps = [low[a.end : b.start] for a, b in zip(atoms, atoms[1:], strict=False)]
            plain = all(a.kind == "digits" for a in atoms)
            runs.append(S.Run(atoms, gaps, plain, not plain and any(a.weak for a in atoms)))

    def flush(group: list) -> None:
        if group[-1].end() - group[0].start() < 7 or (
            len(group) > 1 and sum(m.end() - m.start() for m in group) < 7
        ):
            return
        atoms: list = []
        for m in group:
            a = S._atom(m, lex)
            if a is None:
                keep(atoms)
                atoms = []
            else:
                atoms.append(a)
        keep(atoms)

    group: list = []
    prev_end = -1
    for m in lex.atom.finditer(low):
        s, e = m.span()
        if group and (
            s - prev_end > 5
            or len(group) >= S.MAX_RUN_ATOMS
            or S._BREAK.search(low, prev_end, s)
            or not (
                S._GAP.fullmatch(low, prev_end, s)
                or (
                    S._WORD_GAP.fullmatch(low, prev_end, s)
                    and not m.group()[0].isdigit()
                    and not low[prev_end - 1].isdigit()
                )
            )
        ):
            flush(group)
            group = []
        group.append(m)
        prev_end = e
    if group:
        flush(group)
    return runs


def _runs(runs: list) -> list:
    return [
        (
            [(a.start, a.end, a.kind, a.text, tuple(a.tokens), a.weak) for a in r.atoms],
            r.gaps,
            r.plain,
            r.weak,
        )
        for r in runs
    ]


SCAN_TEXTS = [
    "call 929-272-7898 or (929) 272 7898.",
    "nine two nine, two seven two, seven eight nine eight",
    "929 272 7898. 0158 555 1234 | 8 9 6 7 5 4 3 2",
    "24/7. 0158 555 1234 / 12 34 56 78 90",
    "1, 2, 3, 4, 5, 6, 7, 8",  # commas between digits end a run
    "six four six, five five five, one two three four",
    "for80 2sixseven one9zerofor",
    "8 (943) 378-84-56 и 89907657720",
    "vingt et un, quatre-vingt-douze 12 34",
    "1_2_3_4_5_6_7_8",
    "12345678901234567890 123 456 7890",
    " ".join(["1"] * 80),  # longer than a run may be
    "o l i 0 1 oil lol 6869o537",
]


def test_scan_matches_regex_call_scanner() -> None:
    from tipwatch.engine.extract._phone_lexicon import phone_lexicon
    from tipwatch.engine.extract._phone_scan import scan

    lex = phone_lexicon()
    rnd = random.Random(2)
    pieces = [
        "1", "23", "456", "7890", " ", "-", ".", "(", ")", ", ", ",", ". ", "|", " | ", "/", " / ",
        "\n", "one", "two", "for", "to", "i", "o", "l", "and", "et", "y", "seven", "vingt", "un",
        "_", "*", "~", "+", "$", "abc", "x", "  ", "•", " · ",
    ]  # fmt: skip
    texts = SCAN_TEXTS + ["".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 40))) for _ in range(5000)]
    for text in texts:
        low = text.lower()
        assert _runs(scan(low, lex, 1000)) == _runs(_scan_by_regex_calls(low, lex)), text


# --- the context's entity: NormalisedText.span inline ---------------------------------------------


@pytest.mark.parametrize(
    "text", ["call 929 272 7898", "Маша ９２９&nbsp;272\u200b-7898 💕", "a  b\n\n c", "x"]
)
def test_entity_maps_spans_like_span(text: str) -> None:
    from tipwatch.engine import ad_from_dict
    from tipwatch.engine.extract.context import ExtractContext, FieldText
    from tipwatch.engine.text import NormalisedText, normalise

    norm = normalise(text)
    variants = [norm, NormalisedText(norm.original, norm.text, norm.offsets, None)]  # without ends
    for n in variants:
        fld = FieldText("body", n)
        ctx = ExtractContext(ad_from_dict({"id": "1", "body": text}), [fld], None, None)
        for start in range(len(n.text) + 1):
            for end in range(start, len(n.text) + 1):
                e = ctx.entity("t", "v", fld, start, end, claim=True, extra=1)
                s, o = n.span(start, end)
                assert (e.start, e.end, e.raw, e.field, e.attrs) == (s, o, text[s:o], "body", {"extra": 1})
                assert ctx.claimed["body"][-1] == (start, end, "t")
