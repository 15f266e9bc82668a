from generator.segment import IndexSegmenter, gram_tokens, highlight_spans, query_leaves


def make():
    return IndexSegmenter(["全面从严治党", "述责述廉述德", "市纪委监委", "市纪委监委机关"])


def test_dictionary_words_inside_longer_words_are_indexed():
    tokens = make().word_tokens("落实全面从严治党主体责任")
    assert "全面从严治党" in tokens and "从严治党" in tokens and "治党" in tokens


def test_words_jieba_cuts_apart_are_still_indexed():
    tokens = make().word_tokens("一把手约谈制度")
    assert "约谈" in tokens and "一把手" in tokens


def test_digits_and_latin_survive():
    tokens = make().word_tokens("评为A级，累计550 学时，每年至少1次")
    for token in ("a", "a级", "550", "550学", "学时", "1", "1次"):
        assert token in tokens


def test_characters_and_bigrams_cover_runs_no_dictionary_knows():
    assert gram_tokens("述责述廉") == ["述", "责", "述", "廉", "述责", "责述", "述廉"]


def test_query_cut_against_the_lexicon():
    known = {"一把手", "约谈", "550学", "学时", "从严治党"}.__contains__
    assert query_leaves("从严治党", known) == [("w", "从严治党")]
    assert query_leaves("一把手约谈", known) == [("w", "一把手"), ("w", "约谈")]
    assert query_leaves("550学时", known) == [("w", "550学"), ("w", "学时")]
    assert query_leaves("述廉", known) == [("g", "述廉")]
    assert query_leaves("一把手述", known) == [("w", "一把手"), ("g", "手述")]
    assert query_leaves("，。", known) == []


def test_highlight_marks_whole_words_then_pieces():
    text = "县党政正职5年内累计550 学时"
    assert highlight_spans(text, ["正职"]) == [(3, 5)]
    assert [text[s:e] for s, e in highlight_spans(text, ["550学时"])] == ["550", "学时"]
