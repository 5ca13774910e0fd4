"""Alert rules: strict validation and matching, without Kafka."""
import pytest

from streams.rules import RuleCache, RuleError, match_rules, parse_rule, parse_rule_json, parse_rule_yaml

MINIMAL = """
name: libya-desk
match:
  entities: [{canonical: "طرابلس", type: LOC}]   # OR within a list
  keywords: ["وقف إطلاق النار"]                   # groups that are given are ANDed
  sections: ["عربية ودولية"]
  min_mentions: 1
"""


def event(**kw):
    base = {"id": "a1", "title": "وفد مصري يزور طرابلس", "body": "دعم اتفاق وقف اطلاق النار في ليبيا.",
            "section": ["أخبار الساعة", "عربية ودولية"], "language": "ar",
            "source": {"name": "الشرق الأوسط", "url": "https://example.org/a1"},
            "entity_groups": [{"canonical": "طرابلس", "type": "LOC", "count": 3, "geo": None},
                              {"canonical": "مصر", "type": "LOC", "count": 1, "geo": None}],
            "duplicate_of": None}
    return {**base, **kw}


def test_minimal_rule_file_works_as_written():
    rule = parse_rule_yaml(MINIMAL)
    assert rule.name == "libya-desk" and rule.min_mentions == 1
    matched = rule.match(event())
    assert matched == {"entities": [{"canonical": "طرابلس", "type": "LOC", "count": 3}],
                       "keywords": [{"keyword": "وقف إطلاق النار", "count": 1}]}  # إ/ا folded


def test_spelling_variants_match_folded():
    rule = parse_rule({"name": "r", "match": {"entities": [{"canonical": "طَرابُلس"}]}})
    assert rule.match(event()) is not None


@pytest.mark.parametrize("written, canonical", [("عبد الله صالح", "عبدالله صالح"), ("عبدالله صالح", "عبد الله صالح")])
def test_names_with_abd_match_joined_or_apart(written, canonical):
    rule = parse_rule({"name": "r", "match": {"entities": [{"canonical": written, "type": "PERS"}]}})
    groups = [{"canonical": canonical, "type": "PERS", "count": 2, "geo": None}]
    assert rule.match(event(entity_groups=groups))["entities"][0]["count"] == 2
    assert rule.match(event(entity_groups=[{**groups[0], "canonical": "عبد الصمد"}])) is None


def test_groups_are_anded_and_lists_ored():
    rule = parse_rule({"name": "r", "match": {"entities": [{"canonical": "بنغازي"}, {"canonical": "مصر"}],
                                              "sections": ["رياضة"]}})
    assert rule.match(event()) is None  # entity OR matches, section does not
    assert rule.match(event(section=["رياضة"])) is not None
    assert parse_rule({"name": "r", "match": {"keywords": ["غير موجود"], "entities": [{"type": "LOC"}]}}
                      ).match(event()) is None


def test_type_only_language_source_and_min_mentions():
    assert parse_rule({"name": "r", "match": {"entities": [{"type": "PERS"}]}}).match(event()) is None
    assert parse_rule({"name": "r", "match": {"language": "en"}}).match(event()) is None
    assert parse_rule({"name": "r", "match": {"source": ["الشرق الاوسط"]}}).match(event()) is not None
    many = {"name": "r", "match": {"entities": [{"type": "LOC"}], "min_mentions": 5}}
    assert parse_rule(many).match(event()) is None  # 3 + 1 mentions
    many["match"]["min_mentions"] = 4
    assert parse_rule(many).match(event())["entities"][1]["canonical"] == "مصر"


def test_duplicates_never_alert():
    rule = parse_rule_yaml(MINIMAL)
    assert match_rules([rule], event()) and not match_rules([rule], event(duplicate_of="a0"))


@pytest.mark.parametrize("doc, message", [
    ({"match": {"keywords": ["x"]}}, "missing name"),
    ({"name": "  ", "match": {"keywords": ["x"]}}, "name is empty"),
    ({"name": 3, "match": {"keywords": ["x"]}}, "name must be a string"),
    ({"name": "r", "match": {"keywords": ["x"]}, "extra": 1}, "unknown key 'extra'"),
    ({"name": "r", "match": {"keyword": ["x"]}}, "unknown key 'keyword' in match"),
    ({"name": "r"}, "missing match"),
    ({"name": "r", "match": {}}, "at least one of"),
    ({"name": "r", "match": {"keywords": "x"}}, "match.keywords must be a list"),
    ({"name": "r", "match": {"keywords": []}}, "match.keywords is empty"),
    ({"name": "r", "match": {"entities": [{"canonical": "x", "type": "CITY"}]}}, "must be one of"),
    ({"name": "r", "match": {"entities": [{"name": "x"}]}}, "unknown key 'name'"),
    ({"name": "r", "match": {"entities": [{}]}}, "needs a canonical name, a type, or both"),
    ({"name": "r", "match": {"keywords": ["x"], "min_mentions": 0}}, "min_mentions must be"),
    ({"name": "r", "match": {"keywords": ["x"], "min_mentions": True}}, "min_mentions must be"),
    (["name", "r"], "must be a mapping"),
])
def test_invalid_rules_are_rejected_with_a_clear_message(doc, message):
    with pytest.raises(RuleError, match=message) as exc:
        parse_rule(doc)
    assert "\n" not in str(exc.value)


def test_yaml_syntax_error_is_one_line():
    with pytest.raises(RuleError, match="not valid YAML at line 2") as exc:
        parse_rule_yaml("name: [\n")
    assert "\n" not in str(exc.value)


def test_document_round_trips_and_cache_follows_the_table():
    import orjson

    rule = parse_rule_yaml(MINIMAL)
    raw = orjson.dumps(rule.document)
    assert parse_rule_json(raw) == rule
    cache = RuleCache()
    assert [r.name for r in cache.rules([(b"libya-desk", raw), (b"junk", b"{"), (b"gone", None)])] == ["libya-desk"]
    assert cache.rules([]) == []
