"""Duplicates (exact and near, within a window) and trending window ranking, without Kafka."""
import gzip
import json
import zlib

import pytest

from streams import dedup, trending
from streams.article import Article
from streams.normalize import fold_arabic

BODY = " ".join(f"كلمة{i} في النص رقم {i}" for i in range(60))


def fp(text):
    return dedup.Fingerprint.of(fold_arabic(text))


def test_exact_copy_is_a_duplicate_of_the_first_within_the_window():
    v1 = dedup.check(None, fp(BODY), "a", 1000.0, 3600)
    assert v1.duplicate_of is None and len(v1.entries) == 1
    v2 = dedup.check(v1.entries, fp(BODY), "a", 1010.0, 3600)  # republished: same content id, later
    assert (v2.duplicate_of, v2.kind, v2.entries) == ("a", "exact", None)
    assert dedup.check(v1.entries, fp(BODY), "a", 1000.0 + 3601, 3600).duplicate_of is None  # window over


def test_a_redelivery_of_the_first_copy_is_not_its_own_duplicate():
    v1 = dedup.check(None, fp(BODY), "a", 1000.0, 3600)
    assert dedup.check(v1.entries, fp(BODY), "a", 1000.0, 3600).duplicate_of is None


def test_near_copy_with_two_words_changed_is_found_and_different_stories_are_not():
    words = BODY.split()
    words[10], words[100] = "تعديل", "تصحيح"
    state = dedup.check(None, fp(BODY), "a", 0.0, 3600).entries
    near = dedup.check(state, fp(" ".join(words)), "b", 5.0, 3600)
    assert (near.duplicate_of, near.kind) == ("a", "near")
    other = " ".join(f"موضوع{i} مختلف تماما {i * 7}" for i in range(60))
    assert dedup.check(state, fp(other), "c", 5.0, 3600).duplicate_of is None


def test_short_texts_only_dedup_exactly():
    state = dedup.check(None, fp("خبر قصير جدا"), "a", 0.0, 3600).entries
    assert dedup.check(state, fp("خبر قصير جدا اليوم"), "b", 1.0, 3600).duplicate_of is None


def test_no_false_near_duplicates_on_real_articles():
    from tests.conftest import NEWS

    if not NEWS.exists():
        pytest.skip("shared news data not found")
    with gzip.open(NEWS, "rt", encoding="utf-8") as f:
        arts = [json.loads(line) for line in f][:600]
    state, false = {}, 0
    for i, a in enumerate(arts):
        # All of a source in one list: stricter than the table, where only same-bucket stories meet.
        v = dedup.check(state.get(a["source"]), fp(a["content"]), str(i), float(i), 10**9, max_entries=10**6)
        if v.duplicate_of is not None and fold_arabic(arts[int(v.duplicate_of)]["content"]).split() != \
                fold_arabic(a["content"]).split() and v.kind == "near":
            false += 1
        if v.entries is not None:
            state[a["source"]] = v.entries
    assert false <= 1


def test_dedup_key_is_the_source_and_a_sketch_bucket():
    a = Article(source_name="الشرق الأوسط", folded_body=fold_arabic(BODY))
    key = dedup.dedup_key(a)
    assert key.startswith(fold_arabic("الشرق الأوسط") + "|")
    # An exact copy always meets its first copy; so does a near copy whose smallest shingle survives.
    assert dedup.dedup_key(Article(source_name="الشرق الأوسط", folded_body=fold_arabic(BODY))) == key
    assert dedup.dedup_key(Article(folded_body=fold_arabic(BODY))).startswith("|")


def test_one_busy_source_spreads_over_every_partition(news_articles):
    import zlib

    keys = {dedup.dedup_key(Article(source_name="sabq", folded_body=fold_arabic(a["content"])))
            for a in news_articles[:400]}
    partitions = {zlib.crc32(k.encode()) % 8 for k in keys}
    assert len(keys) > 200 and partitions == set(range(8))


def test_trending_counts_ranks_and_skips_duplicates():
    ev = {"entity_groups": [{"canonical": "طرابلس", "type": "LOC", "count": 3},
                            {"canonical": "مصر", "type": "LOC", "count": 1},
                            {"canonical": "رويترز", "type": "ORG", "count": 1}], "duplicate_of": None}
    assert trending.mentions_by_type(ev) == {"LOC": {"طرابلس": 3, "مصر": 1}, "ORG": {"رويترز": 1}}
    assert trending.mentions_by_type({**ev, "duplicate_of": "x"}) == {}
    items = [(("LOC\tطرابلس", (0.0, 299.9)), 7), (("LOC\tمصر", (0.0, 299.9)), 9),
             (("ORG\tرويترز", (0.0, 299.9)), 1), (("LOC\tطرابلس", (300.0, 599.9)), 1)]
    closed = trending.closed_windows(items, now=320.0, grace_s=5.0, types={"LOC"})
    assert list(closed) == [(0.0, 299.9)] and closed[(0.0, 299.9)] == {"LOC": {"طرابلس": 7, "مصر": 9}}
    msg = trending.trending_event("tumbling", "LOC", 0.0, 300.0, closed[(0.0, 299.9)]["LOC"], 1, 320.0)
    assert msg["top"] == [{"canonical": "مصر", "count": 9}]
    assert (msg["window_start"], msg["window_end"]) == ("1970-01-01T00:00:00Z", "1970-01-01T00:05:00Z")


def test_near_copies_need_a_known_source():
    words = BODY.split()
    words[10] = "تعديل"
    state = dedup.check(None, fp(BODY), "a", 0.0, 3600).entries
    assert dedup.check(state, fp(" ".join(words)), "b", 5.0, 3600, allow_near=False).duplicate_of is None
    assert dedup.check(state, fp(BODY), "c", 5.0, 3600, allow_near=False).kind == "exact"


def test_tumbling_and_hopping_windows_are_sums_of_buckets():
    items = [(("LOC\t1", (0.0, 299.9)), {"طرابلس": 2}), (("LOC\t1", (300.0, 599.9)), {"طرابلس": 3}),
             (("LOC\t4", (600.0, 899.9)), {"مصر": 5}), (("ORG\t0", (300.0, 599.9)), {"رويترز": 1})]
    buckets = trending.bucket_counts(items, types={"LOC"})
    tumbling = trending.compose_windows(buckets, 600.0, 600.0, 300.0, now=2000.0, grace_s=5.0)
    assert tumbling == {0.0: {"LOC": {"طرابلس": 5}}, 600.0: {"LOC": {"مصر": 5}}}
    hopping = trending.compose_windows(buckets, 600.0, 300.0, 300.0, now=2000.0, grace_s=5.0)
    assert hopping[300.0] == {"LOC": {"طرابلس": 3, "مصر": 5}}
    assert hopping[-300.0] == {"LOC": {"طرابلس": 2}} and hopping[600.0] == {"LOC": {"مصر": 5}}
    # A window that has not ended (plus grace) is not composed yet.
    assert 600.0 not in trending.compose_windows(buckets, 600.0, 600.0, 300.0, now=1203.0, grace_s=5.0)


def test_a_tally_sums_per_type_bucket_and_stable_shard_and_merges_into_a_new_value():
    tally = trending.Tally(shards=4)
    first = tally.add("LOC", 300.0, {"طرابلس": 2, "مصر": 1, "جنيف": 0})
    again = tally.add("LOC", 300.0, {"طرابلس": 3})
    tally.add("LOC", 600.0, {"طرابلس": 1})
    tally.add("PERS", 300.0, {"حفتر": 1})
    assert again == []  # the key was already there: nothing new touched
    assert sorted(first) == sorted({("LOC", 300.0, trending.shard_of(n, 4)) for n in ("طرابلس", "مصر")})
    tripoli = ("LOC", 300.0, trending.shard_of("طرابلس", 4))
    assert tally.sums[tripoli]["طرابلس"] == 5 and "جنيف" not in str(tally.sums)
    assert tally.sums[("LOC", 600.0, trending.shard_of("طرابلس", 4))] == {"طرابلس": 1}
    # The shard of a name must not depend on the process (it picks a table key that outlives it).
    assert trending.shard_of("طرابلس", 8) == zlib.crc32("طرابلس".encode()) % 8
    current = {"طرابلس": 10}
    merged = trending.Tally.merged_into(current, tally.sums[tripoli])
    assert merged["طرابلس"] == 15 and current == {"طرابلس": 10}
    assert trending.Tally.merged_into(None, {"مصر": 1}) == {"مصر": 1}
    # Shards of one type and bucket merge back into one ranking.
    items = [((trending.table_key(t, str(sh)), (b, b + 299.9)), counts) for (t, b, sh), counts in tally.sums.items()]
    assert trending.bucket_counts(items)[300.0] == {"LOC": {"طرابلس": 5, "مصر": 1}, "PERS": {"حفتر": 1}}
