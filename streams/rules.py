"""Alert rules as data: strict validation of a rule document and matching it against an enriched event.

A rule is JSON (the value on `news.alert-rules`) or YAML (what an editor writes):

    name: libya-desk
    match:
      entities: [{canonical: "طرابلس", type: LOC}]   # OR within a list
      keywords: ["وقف إطلاق النار"]
      sections: ["عربية ودولية"]
      min_mentions: 1

Every group that is given must match (AND); within a list any item may match (OR). Names, keywords,
sections and sources are compared in their folded form (`fold_arabic`), so spelling variants such as
إ/ا, ة/ه or diacritics do not matter; entity names also as canonical forms join `عبد` to the next word
(`عبد العزيز` = `عبدالعزيز`). No Kafka here: the alert agent and `khabar rules add` both call it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from streams.normalize import fold_arabic, join_name_compounds

ENTITY_TYPES = ("PERS", "LOC", "ORG", "MISC")
RULE_KEYS = ("name", "description", "match")
MATCH_KEYS = ("entities", "keywords", "sections", "language", "source", "min_mentions")
ENTITY_KEYS = ("canonical", "type")
MAX_NAME_CHARS = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SPACES = re.compile(r"\s+")


class RuleError(ValueError):
    """A rule document that cannot be used; the message says where and why, on one line."""


@dataclass(frozen=True, slots=True)
class EntitySpec:
    canonical: str | None  # as written; `folded` is what is compared
    type: str | None
    folded: str | None


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    description: str | None = None
    entities: tuple[EntitySpec, ...] = ()
    keywords: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    min_mentions: int = 1
    document: dict = field(default_factory=dict, compare=False, hash=False)  # as validated, for the topic

    def match(self, event: dict) -> dict | None:
        """What matched (entities, keywords with counts), or None when the event does not match."""
        return match_rule(self, event)


# ---------------------------------------------------------------- validation


def _fold_key(text: str) -> str:
    return _SPACES.sub(" ", fold_arabic(text)).strip()


def _name_key(canonical: str) -> str:
    """An entity name as compared: folded, `عبد` joined to the next word as in canonical forms."""
    return join_name_compounds(_fold_key(canonical))


def _where(name: str | None) -> str:
    return f"rule {name!r}: " if name else "rule: "


def _string_list(value: Any, what: str, prefix: str, *, allow_scalar: bool = False) -> tuple[str, ...]:
    if allow_scalar and isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        kind = "a string or a list of strings" if allow_scalar else "a list of strings"
        raise RuleError(f"{prefix}match.{what} must be {kind}, not {type(value).__name__}")
    if not value:
        raise RuleError(f"{prefix}match.{what} is empty (leave it out to match anything)")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise RuleError(f"{prefix}match.{what}[{i}] must be a non-empty string, not {item!r}")
        out.append(item.strip())
    return tuple(out)


def _entity_specs(value: Any, prefix: str) -> tuple[EntitySpec, ...]:
    if not isinstance(value, list):
        raise RuleError(f"{prefix}match.entities must be a list of {{canonical, type}}, not {type(value).__name__}")
    if not value:
        raise RuleError(f"{prefix}match.entities is empty (leave it out to match anything)")
    specs = []
    for i, item in enumerate(value):
        where = f"{prefix}match.entities[{i}]"
        if not isinstance(item, dict):
            raise RuleError(f"{where} must be a mapping like {{canonical: ..., type: LOC}}, not {item!r}")
        unknown = sorted(set(map(str, item)) - set(ENTITY_KEYS))
        if unknown:
            raise RuleError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(ENTITY_KEYS)})")
        canonical, etype = item.get("canonical"), item.get("type")
        if canonical is None and etype is None:
            raise RuleError(f"{where} needs a canonical name, a type, or both")
        if canonical is not None and (not isinstance(canonical, str) or not canonical.strip()):
            raise RuleError(f"{where}.canonical must be a non-empty string, not {canonical!r}")
        if etype is not None and etype not in ENTITY_TYPES:
            raise RuleError(f"{where}.type must be one of {', '.join(ENTITY_TYPES)}, not {etype!r}")
        canonical = canonical.strip() if canonical else None
        specs.append(EntitySpec(canonical, etype, _name_key(canonical) if canonical else None))
    return tuple(specs)


def parse_rule(doc: Any) -> Rule:
    """A validated `Rule` from a decoded document, or `RuleError` naming the first problem."""
    if not isinstance(doc, dict):
        raise RuleError(f"a rule must be a mapping with name and match, not {type(doc).__name__}")
    raw_name = doc.get("name")
    name = raw_name.strip() if isinstance(raw_name, str) else None
    prefix = _where(name)
    unknown = sorted(set(map(str, doc)) - set(RULE_KEYS))
    if unknown:
        raise RuleError(f"{prefix}unknown key {unknown[0]!r} (known: {', '.join(RULE_KEYS)})")
    if raw_name is None:
        raise RuleError("rule: missing name")
    if not isinstance(raw_name, str):
        raise RuleError(f"rule: name must be a string, not {type(raw_name).__name__}")
    if not name:
        raise RuleError("rule: name is empty")
    if len(name) > MAX_NAME_CHARS or _CONTROL.search(name):
        raise RuleError(f"{prefix}name must be at most {MAX_NAME_CHARS} printable characters")
    description = doc.get("description")
    if description is not None and not isinstance(description, str):
        raise RuleError(f"{prefix}description must be a string")
    match = doc.get("match")
    if match is None:
        raise RuleError(f"{prefix}missing match (entities, keywords, sections, language, source, min_mentions)")
    if not isinstance(match, dict):
        raise RuleError(f"{prefix}match must be a mapping, not {type(match).__name__}")
    unknown = sorted(set(map(str, match)) - set(MATCH_KEYS))
    if unknown:
        raise RuleError(f"{prefix}unknown key {unknown[0]!r} in match (known: {', '.join(MATCH_KEYS)})")
    if not any(k in match for k in MATCH_KEYS if k != "min_mentions"):
        raise RuleError(f"{prefix}match needs at least one of entities, keywords, sections, language, source")
    min_mentions = match.get("min_mentions", 1)
    if isinstance(min_mentions, bool) or not isinstance(min_mentions, int) or min_mentions < 1:
        raise RuleError(f"{prefix}match.min_mentions must be a whole number >= 1, not {min_mentions!r}")
    if min_mentions > 1 and "entities" not in match and "keywords" not in match:
        raise RuleError(f"{prefix}match.min_mentions counts entities or keywords: give one of them")
    rule = Rule(
        name=name,
        description=description,
        entities=_entity_specs(match["entities"], prefix) if "entities" in match else (),
        keywords=_string_list(match["keywords"], "keywords", prefix) if "keywords" in match else (),
        sections=_string_list(match["sections"], "sections", prefix) if "sections" in match else (),
        languages=_string_list(match["language"], "language", prefix, allow_scalar=True) if "language" in match
        else (),
        sources=_string_list(match["source"], "source", prefix, allow_scalar=True) if "source" in match else (),
        min_mentions=min_mentions,
    )
    document = {"name": name, **({"description": description} if description is not None else {}),
                "match": match}
    return _with_document(rule, document)


def _with_document(rule: Rule, document: dict) -> Rule:
    object.__setattr__(rule, "document", document)
    return rule


def parse_rule_yaml(text: str) -> Rule:
    """A rule from YAML text (what `khabar rules add` reads); syntax errors become one-line `RuleError`s."""
    import yaml

    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise RuleError(f"not valid YAML{where}: {problem}") from None
    return parse_rule(doc)


def parse_rule_json(value: bytes | str) -> Rule:
    import orjson

    try:
        doc = orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        raise RuleError(f"not valid JSON: {exc}") from None
    return parse_rule(doc)


# ---------------------------------------------------------------- matching


def _count(haystack: str, needle: str) -> int:
    return haystack.count(needle) if needle else 0


def match_rule(rule: Rule, event: dict) -> dict | None:
    """Match one enriched event (the dict on `news.enriched`). Cheap checks first."""
    if rule.languages and (event.get("language") or "") not in rule.languages:
        return None
    if rule.sources:
        source = event.get("source") or {}
        names = {_fold_key(source.get("name") or "")}
        if not names & {_fold_key(s) for s in rule.sources}:
            return None
    if rule.sections:
        have = {_fold_key(s) for s in (event.get("section") or []) if isinstance(s, str)}
        if not have & {_fold_key(s) for s in rule.sections}:
            return None

    mentions = 0
    matched: dict[str, list] = {"entities": [], "keywords": []}
    if rule.entities:
        for group in event.get("entity_groups") or []:
            folded = _name_key(group.get("canonical") or "")
            for spec in rule.entities:
                if spec.type is not None and group.get("type") != spec.type:
                    continue
                if spec.folded is not None and folded != spec.folded:
                    continue
                count = int(group.get("count") or 1)
                matched["entities"].append({"canonical": group.get("canonical"), "type": group.get("type"),
                                            "count": count})
                mentions += count
                break
        if not matched["entities"]:
            return None
    if rule.keywords:
        text = _fold_key(f"{event.get('title') or ''}\n{event.get('body') or ''}")
        for keyword in rule.keywords:
            count = _count(text, _fold_key(keyword))
            if count:
                matched["keywords"].append({"keyword": keyword, "count": count})
                mentions += count
        if not matched["keywords"]:
            return None
    if (rule.entities or rule.keywords) and mentions < rule.min_mentions:
        return None
    return matched


def match_rules(rules: list[Rule], event: dict) -> list[tuple[Rule, dict]]:
    """Every rule that matches the event, with what matched. Duplicates never alert."""
    if event.get("duplicate_of"):
        return []
    out = []
    for rule in rules:
        matched = rule.match(event)
        if matched is not None:
            out.append((rule, matched))
    return out


class RuleCache:
    """Parsed rules by their raw topic value: the global table hands over bytes, parsing once is enough."""

    def __init__(self) -> None:
        self._parsed: dict[bytes, Rule | None] = {}

    def rules(self, items) -> list[Rule]:
        out = []
        seen = set()
        for _, raw in items:
            if not raw:
                continue
            raw = bytes(raw) if not isinstance(raw, bytes) else raw
            seen.add(raw)
            if raw not in self._parsed:
                try:
                    self._parsed[raw] = parse_rule_json(raw)
                except RuleError:
                    self._parsed[raw] = None  # written by something other than `khabar rules add`
            rule = self._parsed[raw]
            if rule is not None:
                out.append(rule)
        for stale in set(self._parsed) - seen:
            del self._parsed[stale]
        return sorted(out, key=lambda r: r.name)
