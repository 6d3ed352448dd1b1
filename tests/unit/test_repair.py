"""Unit tests of the encoding-repair stage (pipeline/repair)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pipeline.models import RepairChange
from pipeline.repair import decode_bytes, explain, repair_text

ROOT = Path(__file__).resolve().parents[2]


def lossy(text: str) -> str:
    """The seed's damage: UTF-8 read as Latin-1, C1 characters deleted."""
    return "".join(char for char in text.encode("utf-8").decode("latin-1") if not 0x80 <= ord(char) <= 0x9F)


def test_seed_article_is_restored_exactly():
    seed = (ROOT / "seeds" / "000_3055c024dfb4192d.txt").read_text(encoding="utf-8")
    gold = (ROOT / "tests" / "fixtures" / "seed.repaired.txt").read_text(encoding="utf-8")
    repaired = repair_text(seed)
    assert repaired.text == gold
    assert sum(change.count for change in repaired.changes) == sum(a != b for a, b in zip(seed, gold)) == 44
    assert not repaired.uncertain


@pytest.mark.parametrize(
    "clean",
    [
        "“There are economic tools of leverage,” he said of Ukraine’s independence.",
        "Vance said: “Trump’s ‘fog of war’—or in this case, the ‘fog of negotiations’—works.”",
        "The scores were 1–0 and 3–2 in 1990–95, and the plan… failed.",
        "Serbian President Aleksandar Vučić met Recep Tayyip Erdoğan in Łódź.",
        "“École Polytechnique” students’ union met Þorsteinn and Ásgeir in Reykjavík.",
        "“I’m here,” she said, and “we’re staying.”",  # a contraction right after an opening quote
        "He defended the U.S.’s decision and the N.S.A.’s methods.",
        "“It was cold.\nWe walked to the river” and left.",  # the quote opened in an earlier paragraph
        "He told them to “stop just hatin’ all the time,” but left.",
        "Photos were taken by Árni Sæberg and Ívar Ingimarsson.",
        "There were 920 new cases of COVID—19 on Thursday.",  # the only sign of damage is `Dâ1`
        "He rejected the “fake report” label.",  # the only sign of damage is a quoted phrase
    ],
)
def test_lossy_damage_is_reversed(clean):
    assert repair_text(lossy(clean)).text == clean


@pytest.mark.parametrize(
    "clean",
    [
        "The château in România and Brâncuși’s studio in Târgu Jiu.",
        "SÃO PAULO and JOÃO said Äpfel and Ärzte ohne Grenzen in Ålesund.",
        "Mayor Kâzım said the pâté from Ängelholm was fine. È vero.",
        "Plain ASCII copy with 'straight quotes' -- and two  spaces.",
        "Nguyễn Tấn Dũng met Trần Văn Lâm in Hà Nội.",
    ],
)
def test_clean_text_is_unchanged(clean):
    repaired = repair_text(clean)
    assert repaired.text == clean
    assert repaired.changes == []


def test_headlines_get_single_quotes_and_body_copy_double():
    headline = "Trump: ‘Russian connection’ is cover for Clinton’s ‘many mistakes’"
    body = "Trump said the “Russian connection” is cover for Clinton’s “many mistakes”."
    assert repair_text(lossy(headline + "\n" + body)).text == headline + "\n" + body


def test_genuine_letters_survive_next_to_lossy_damage_elsewhere():
    assert repair_text("âThe château is nice,â Ukraineâs envoy said.").text == "“The château is nice,” Ukraine’s envoy said."


def test_ftfy_repairs_are_kept_and_quotes_stay_curly():
    assert repair_text("The cafÃ© said â€œhiâ€\x9d").text == "The café said “hi”"


def test_changes_point_at_the_repaired_characters():
    repaired = repair_text("  âThere are tools,â he said of VuÄiÄâs plan â¦ ok.\n\n\n\nNext.")
    assert repaired.text == "“There are tools,” he said of Vučić’s plan … ok.\n\nNext."
    for change in repaired.changes:
        assert isinstance(change, RepairChange) and change.count >= len(change.positions) > 0
        assert 0 < change.confidence <= 1
    punctuation = next(change for change in repaired.changes if change.fix == "restore_lossy_punctuation")
    assert [repaired.text[p] for p in punctuation.positions] == ["“", "”", "’"]
    letters = next(change for change in repaired.changes if change.fix == "restore_lossy_letters")
    assert [repaired.text[p] for p in letters.positions] == ["č", "ć"]


def test_weak_evidence_leaves_text_and_flags_it():
    # `qxzâvbn`: neither an apostrophe, nor a dash between words, nor a known word with a genuine `â`
    repaired = repair_text("Ukraineâs envoy met the qxzâvbn.")
    assert repaired.text == "Ukraine’s envoy met the qxzâvbn."
    assert repaired.uncertain


def test_tidy_of_wire_whitespace():
    assert repair_text("\n\n   PARIS (AP) \t\n\tThe talks\x0cresumed.\n\n\n\nMore.\n").text == "PARIS (AP)\nThe talks\nresumed.\n\nMore."


def test_explain_lists_each_fix_with_examples():
    text = explain(repair_text("âThey wonât,â he said."))
    assert text.splitlines()[0].startswith("restore_lossy_punctuation: 3 changes, confidence ")
    assert "They wonât,â he said. -> âThey won’t,â he said." in text
    assert explain(repair_text("Clean.")) == "no changes"


def test_decode_plain_utf8_records_nothing():
    assert decode_bytes("Vučić’s “plan”".encode()) == ("Vučić’s “plan”", None)


@pytest.mark.parametrize(
    ("data", "declared", "text", "fix"),
    [
        (b"\xef\xbb\xbfVu\xc4\x8di\xc4\x87", None, "Vučić", "decode_with_bom"),
        ("Łódź".encode("utf-16"), None, "Łódź", "decode_with_bom"),
        (b"\x93Caf\xe9\x94 \x96 ok", "ISO-8859-1", "“Café” – ok", "decode_windows_1252"),
        (b"\x93Caf\xe9\x94", None, "“Café”", "decode_windows_1252"),
        ("Vučić".encode(), "iso-8859-1", "Vučić", "decode_utf8"),
        (b"caf\xc3\xa9 \x96 ok", None, "café – ok", "decode_mixed_utf8"),
        ("Łódź".encode("iso-8859-2"), "ISO-8859-2", "Łódź", "decode_declared"),
    ],
)
def test_decode_bytes_variants(data, declared, text, fix):
    decoded, change = decode_bytes(data, declared)
    assert decoded == text
    assert change is not None and change.fix == fix


def test_decode_never_raises_on_any_bytes():
    generator = random.Random(3)
    for declared in (None, "utf-8", "latin-1", "utf-16", "no-such-charset", "shift_jis"):
        for _ in range(200):
            data = bytes(generator.randrange(256) for _ in range(generator.randrange(40)))
            text, _ = decode_bytes(data, declared)
            assert isinstance(text, str)
