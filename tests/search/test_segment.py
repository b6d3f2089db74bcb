"""Segmentation: our words stay whole, are found inside longer words, and queries are cut alike."""

from __future__ import annotations

import pytest

from search.segment import document_words, parse_query

DOMAIN_WORDS = [
    "维修资金",
    "业主大会",
    "业委会",
    "物业费",
    "管理规约",
    "议事规则",
    "专项维修资金",
    "业主委员会",
    "物业服务企业",
    "停水",
    "停电",
    "电梯",
]


@pytest.mark.parametrize("word", DOMAIN_WORDS)
def test_domain_words_stay_whole_in_documents_and_queries(word):
    assert word in document_words(f"关于{word}的说明")
    assert word in parse_query(word).words


@pytest.mark.parametrize(
    ("text", "inner"),
    [
        ("申请使用专项维修资金", "维修资金"),
        ("业主委员会换届", "委员会"),
        ("选聘物业服务企业", "物业"),
        ("业主大会会议通知", "业主大会"),
    ],
)
def test_domain_words_are_also_found_inside_longer_words(text, inner):
    assert inner in document_words(text)


def test_the_measured_failure_case_is_cut_into_words():
    assert {"3", "电梯", "维修", "通知"} <= set(document_words("3号楼电梯维修通知"))


def test_query_filler_words_are_dropped():
    assert parse_query("业委会怎么选").words == ("业委会", "选")
    assert parse_query("如何申请使用维修资金？").words == ("申请", "使用", "维修资金")


def test_a_query_of_filler_words_only_keeps_them():
    assert parse_query("怎么").words == ("怎么",)


def test_general_compounds_in_queries_are_split_so_they_match_either_order():
    assert parse_query("电梯维修").words == ("电梯", "维修")


def test_a_word_the_dictionary_keeps_whole_also_carries_its_parts_with_their_synonyms():
    (term,) = parse_query("委托投票").terms
    assert term.word == "委托投票" and term.alternatives == ("委托投票",)
    assert term.parts == (("委托",), ("投票", "表决"))
    assert {"委托投票", "委托", "投票", "表决"} == set(parse_query("委托投票").highlight_words)


def test_general_compounds_and_short_words_carry_no_parts():
    assert all(not term.parts for term in parse_query("电梯维修").terms)
    assert parse_query("业委会").terms[0].parts == ()
    assert parse_query("停水").terms[0].parts == ()


def test_synonyms_and_abbreviations_are_alternatives():
    term = parse_query("业委会").terms[0]
    assert "业主委员会" in term.alternatives
    assert "业委会" in parse_query("业主委员会").terms[0].alternatives
    assert "栋" in parse_query("3号楼").terms[1].alternatives


def test_english_and_digits_keep_working_and_are_lower_cased():
    assert parse_query("Lift 2026").words == ("lift", "2026")
    assert {"lift", "2026"} <= set(document_words("LIFT check 2026年"))


def test_full_width_letters_and_digits_match_their_ascii_forms():
    # Chinese input methods often type full-width forms; documents may contain either.
    assert parse_query("３号楼").words == parse_query("3号楼").words
    assert parse_query("ＬＩＦＴ").words == ("lift",)
    assert "502" in document_words("３栋５０２室")


def test_single_chinese_character_terms_match_as_prefix():
    term = parse_query("业委会怎么选").terms[1]
    assert term.word == "选" and term.is_prefix
    assert not parse_query("3").terms[0].is_prefix


def test_punctuation_is_not_a_word():
    assert document_words("停水！（3栋）") == ["停水", "3", "栋"]
    assert not parse_query("？！。")
