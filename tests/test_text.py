from bot.analysis.text import (
    is_title_case,
    mask_conversions,
    normalise_paragraphs,
    split_sentences,
)


def test_splits_on_sentence_ends_and_keeps_offsets():
    text = "Rebels took the town. Thousands fled!\nA new paragraph? Yes."
    sents = split_sentences(text)
    assert [s.text for s in sents] == [
        "Rebels took the town.", "Thousands fled!", "A new paragraph?", "Yes."
    ]
    assert [s.paragraph for s in sents] == [0, 0, 1, 1]
    for s in sents:
        assert text[s.start : s.end] == s.text


def test_abbreviations_and_initials_do_not_split():
    text = "U.S. President George W. Bush met Mr. Smith in St. Louis. The U.N. said so."
    assert [s.text for s in split_sentences(text)] == [
        "U.S. President George W. Bush met Mr. Smith in St. Louis.",
        "The U.N. said so.",
    ]


def test_closing_quote_stays_with_its_sentence():
    sents = split_sentences('He said "Stop." Then he left.')
    assert [s.text for s in sents] == ['He said "Stop."', "Then he left."]


def test_normalise_paragraphs_folds_space_and_drops_blank_lines():
    assert normalise_paragraphs("  a  b \n\n\t c\u00a0d ") == "a b\nc d"


def test_title_case_tells_headlines_from_sentences():
    assert is_title_case("Gunmen Attack Villages In Zamfara State")
    assert is_title_case("CHAD: FLOODS SUBMERGE N'DJAMENA DISTRICTS".title())
    assert not is_title_case("Gunmen attack villages in Zamfara State")
    assert not is_title_case("Kyiv and Kharkiv")  # too short to tell


def test_unit_conversions_in_brackets_are_blanked_for_the_parser_keeping_offsets():
    text = ("Police evacuate blocks after a 500-pound (225-kilogram) bomb is found; "
            "winds of 185 km/h (115 mph) and 30.78 °C (87.40 °F) (UNHCR) (March 2025).")
    masked = mask_conversions(text)
    assert len(masked) == len(text)
    assert "(225-kilogram)" not in masked and "(115 mph)" not in masked
    assert "(87.40 °F)" not in masked
    assert "(UNHCR)" in masked and "(March 2025)" in masked
    assert masked.index("bomb") == text.index("bomb")
