"""bot.analysis.article on small hand-written pages and texts."""

from __future__ import annotations

import random
from datetime import date

import pytest

from bot.analysis.article import ArticleError, detect_language, load_article, parse_html, parse_text

PARAS = [
    "Heavy rain caused the river to burst its banks on Tuesday, flooding hundreds of homes "
    "in the town of Exampleton, officials said.",
    "Emergency crews evacuated more than 2,000 residents overnight, and schools were closed "
    "as water levels continued to rise.",
    "The mayor said the town had not seen such flooding in fifty years and asked the "
    "regional government for help with shelters and clean water.",
]
PAGE = f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Floods hit river town | The Example Herald</title>
<meta property="og:site_name" content="The Example Herald">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/sport">Sport</a></li></ul></nav>
<article>
<h1>Floods hit river town</h1>
<p>{PARAS[0]}</p>
<p>{PARAS[1]}</p>
<div class="ad">Advertisement</div>
<p>{PARAS[2]}</p>
</article>
<footer><p>Copyright 2024 The Example Herald. All rights reserved.</p></footer>
</body></html>"""

ENGLISH_TEXT = "\n\n".join(PARAS)
FRENCH = (
    "Les forces armées ont lancé une offensive dans la région du nord, selon le ministère "
    "de la Défense. Des milliers de civils ont fui leurs maisons après les bombardements, "
    "et les écoles sont fermées depuis lundi dans toute la province."
)
SPANISH = (
    "Las fuerzas armadas lanzaron una ofensiva en la región del norte, según el ministerio "
    "de Defensa. Miles de civiles huyeron de sus casas tras los bombardeos y las escuelas "
    "están cerradas desde el lunes en toda la provincia."
)
GERMAN = (
    "Die Streitkräfte haben nach Angaben des Verteidigungsministeriums eine Offensive im "
    "Norden begonnen. Tausende Zivilisten sind aus ihren Häusern geflohen, und die Schulen "
    "sind seit Montag in der ganzen Provinz geschlossen."
)
RUSSIAN = (
    "Вооружённые силы начали наступление в северном регионе, сообщило министерство "
    "обороны. Тысячи мирных жителей покинули свои дома после обстрелов, школы закрыты "
    "с понедельника по всей провинции."
)
ARABIC = (
    "شنت القوات المسلحة هجوما في المنطقة الشمالية بحسب وزارة الدفاع وفر آلاف المدنيين من "
    "منازلهم بعد القصف وأغلقت المدارس منذ يوم الاثنين في جميع أنحاء المحافظة"
)
CHINESE = (
    "据国防部称，武装部队在北部地区发动了进攻。数千名平民在炮击后逃离家园，全省学校自周一起关闭。"
)


def test_parse_html_extracts_article_and_metadata() -> None:
    article = parse_html(PAGE, url="https://news.example.com/floods")
    assert article.title == "Floods hit river town"
    assert article.text == ENGLISH_TEXT
    assert article.paragraphs == PARAS
    assert article.published == date(2024, 3, 5)
    assert article.site_name == "The Example Herald"
    assert article.language == "en"
    assert article.url == "https://news.example.com/floods"
    for boilerplate in ("Advertisement", "Copyright", "Sport"):
        assert boilerplate not in article.text


def test_title_falls_back_to_og_title() -> None:
    page = PAGE.replace("<title>Floods hit river town | The Example Herald</title>", "")
    page = page.replace("<h1>Floods hit river town</h1>", "")
    page = page.replace("<head>", '<head><meta property="og:title" content="River town flooded">')
    assert parse_html(page).title == "River town flooded"


def test_malformed_html_with_text_is_read() -> None:
    broken = (
        "<html><head><title>Storm</title><body><div><p>"
        + "<p>".join(PARAS)
        + "<div><span>unclosed <b>tags </i> everywhere"
    )
    article = parse_html(broken)
    assert "Emergency crews evacuated" in article.text
    assert "Heavy rain caused" in article.text


@pytest.mark.parametrize(
    "html",
    [
        "<html><body><script>var a = 1;</script><style>p {}</style></body></html>",
        "<<<>>> <div <p </p </div",
        "<html><head><title>Only a title</title></head><body></body></html>",
    ],
)
def test_html_without_text_is_refused(html: str) -> None:
    with pytest.raises(ArticleError) as info:
        parse_html(html)
    assert info.value.reason in ("no_text", "too_short")


@pytest.mark.parametrize("data", ["", "   \n\t ", b"", b"  \n"])
def test_empty_input(data: str | bytes) -> None:
    with pytest.raises(ArticleError) as info:
        load_article(data)
    assert info.value.reason == "empty"
    assert "empty" in info.value.message


def test_empty_html_and_text() -> None:
    with pytest.raises(ArticleError, match="empty"):
        parse_html("")
    with pytest.raises(ArticleError, match="empty"):
        parse_text("\n\n")


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"hello\x00world\x00" * 20, "binary"),
        (random.Random(7).randbytes(4096), "binary"),
    ],
)
def test_binary_bytes_refused(data: bytes, what: str) -> None:
    with pytest.raises(ArticleError) as info:
        load_article(data)
    assert info.value.reason == "binary"
    assert what in info.value.message


def test_binary_looking_str_refused() -> None:
    with pytest.raises(ArticleError) as info:
        parse_text("".join(chr(c) for c in range(1, 32)) * 10 + ENGLISH_TEXT)
    assert info.value.reason == "binary"
    with pytest.raises(ArticleError) as info:
        parse_text(ENGLISH_TEXT + "\x00")
    assert info.value.reason == "binary"


def test_too_short_text() -> None:
    with pytest.raises(ArticleError) as info:
        parse_text("Floods hit the town.", title="Floods")
    assert info.value.reason == "too_short"
    assert "too short" in info.value.message


@pytest.mark.parametrize(
    ("text", "name", "code"),
    [
        (FRENCH, "French", "fr"),
        (SPANISH, "Spanish", "es"),
        (GERMAN, "German", "de"),
        (RUSSIAN, "Russian", "ru"),
        (ARABIC, "Arabic", "ar"),
        (CHINESE, "Chinese", "zh"),
    ],
)
def test_non_english_text_refused(text: str, name: str, code: str) -> None:
    with pytest.raises(ArticleError) as info:
        parse_text(text)
    assert info.value.reason == "language"
    assert info.value.language == code
    assert info.value.message == (
        f"the article looks like {name} ({code}); newsbot reads English articles only"
    )


def test_non_english_html_refused() -> None:
    page = PAGE.replace(PARAS[0], FRENCH).replace(PARAS[1], FRENCH)
    page = page.replace(PARAS[2], FRENCH)
    with pytest.raises(ArticleError, match=r"looks like French \(fr\)"):
        parse_html(page)


def test_english_with_foreign_names_and_quote_is_accepted() -> None:
    text = (
        "Jean-Pierre de la Fontaine, the mayor of Saint-Étienne-de-Montluc, met Luis García "
        'de los Santos and Abu Bakr al-Rashid in São Paulo on Monday. "C\'est la vie," he '
        "said after the talks, which were about the flooding of the river and the "
        "evacuation of families from the old town. Officials from Nuevo León and "
        "Nordrhein-Westfalen also attended the meeting in the city hall."
    )
    article = parse_text(text, title="Mayors meet")
    assert article.language == "en"
    assert detect_language(text) == "en"


def test_unknown_latin_language_refused() -> None:
    polish = (
        "Siły zbrojne rozpoczęły ofensywę w północnym regionie, poinformowało ministerstwo "
        "obrony. Tysiące cywilów uciekło ze swoich domów po ostrzałach, a szkoły są zamknięte "
        "od poniedziałku w całej prowincji. Władze apelują o spokój i obiecują pomoc dla "
        "wszystkich poszkodowanych rodzin, które straciły dach nad głową w wyniku walk."
    )
    with pytest.raises(ArticleError, match="does not look like English"):
        parse_text(polish)


def test_parse_text_paragraphs_and_title() -> None:
    wrapped = (
        "Heavy rain caused the river to burst its banks on Tuesday,\r\n"
        "flooding hundreds of homes in the town of Exampleton, officials said.\r\n"
        "\r\n"
        "Emergency crews evacuated more than 2,000 residents overnight, and schools\r\n"
        "were closed as water levels continued to rise.\r\n"
    )
    article = parse_text(wrapped, title="  Floods   hit river town ", url="file:story.txt")
    assert article.title == "Floods hit river town"
    assert article.text == "\n\n".join(PARAS[:2])
    assert article.url == "file:story.txt"
    assert article.published is None
    one_per_line = parse_text("\n".join(PARAS))
    assert one_per_line.paragraphs == PARAS
    assert one_per_line.title == ""


def test_load_article_sniffs_html_and_text() -> None:
    from_html = load_article(PAGE.encode("utf-8"), url="https://news.example.com/floods")
    assert from_html.title == "Floods hit river town"
    assert from_html.text == ENGLISH_TEXT
    from_text = load_article(ENGLISH_TEXT.encode("utf-8"), title="Floods")
    assert from_text.title == "Floods"
    assert from_text.text == ENGLISH_TEXT
    assert load_article(PAGE, title="Given title").title == "Given title"


def test_load_article_content_type_and_charset() -> None:
    latin = PAGE.replace("flooding hundreds", "flooding the café and hundreds")
    latin = latin.replace('<meta charset="utf-8">', "")
    article = load_article(latin.encode("latin-1"), content_type="text/html; charset=ISO-8859-1")
    assert "flooding the café and hundreds" in article.text
    # Declared plain text is not parsed as HTML, markup and all.
    plain = load_article(("<p>" + ENGLISH_TEXT).encode(), content_type="text/plain")
    assert plain.text.startswith("<p>Heavy rain")


def test_load_article_undecodable_without_charset() -> None:
    # Not UTF-8 and no charset given: decoded by guessing, not refused, when it is text.
    data = ENGLISH_TEXT.replace("more than", "más than").encode("cp1252")
    article = load_article(data)
    assert "Emergency crews" in article.text


def test_links_to_other_stories_are_not_read_as_the_article() -> None:
    # A tech story whose page carries teasers for other news: their headlines would raise
    # alerts for events this article does not report.
    page = PAGE.replace(
        f"<p>{PARAS[2]}</p>",
        f"<p><strong>Related:</strong> <a href='/g'>Airstrikes kill 20 in Gaza City</a></p>"
        f"<p>{PARAS[2]}</p>"
        "<p>READ MORE: Gunmen kill 12 in attack on church in Burkina Faso</p>",
    )
    article = parse_html(page, url="https://news.example.com/floods")
    assert article.paragraphs == PARAS

    text = "\n\n".join([
        PARAS[0], "See also – Floods kill 40 in Borno state", PARAS[1], "Most read",
        "Missiles hit Kharkiv, killing 7", "Thousands flee fighting in El Fasher", PARAS[2],
    ])
    assert parse_text(text).paragraphs == PARAS

    captioned = "\n\n".join([
        PARAS[0], "FILE PHOTO: Smoke rises over a city after an airstrike, October 9, 2023.",
        PARAS[1], "Image caption, Rescuers search the rubble after the earthquake", PARAS[2],
    ])
    assert parse_text(captioned).paragraphs == PARAS


def test_a_paragraph_that_only_mentions_related_news_stays() -> None:
    # Only a label before a colon or dash marks a teaser, and a heading's list ends at the
    # first full sentence.
    related = ("Related talks on the dam collapsed last year, when officials from both "
               "countries met in Geneva.")
    photos = "Photographs of the flood were shared widely, officials said."
    text = "\n\n".join([PARAS[0], related, "Latest news", PARAS[1], photos])
    assert parse_text(text).paragraphs == [PARAS[0], related, PARAS[1], photos]
