from streams.article import Article
from streams.identity import assign_id, content_hash
from streams.language import detect_language
from streams.normalize import normalize
from streams.redactions import count_redactions


def test_redaction_gaps_are_counted():
    assert count_redactions("وزيري الداخلية، ، الذي") == 1
    assert count_redactions("أ، ، ب، ، ج") == 2
    assert count_redactions("الأول، والثاني، والثالث") == 0
    assert count_redactions("a, , b") == 1


def test_language_by_script_and_function_words():
    assert detect_language("أجرى وفد أمني مصري محادثات في العاصمة الليبية") == "ar"
    assert detect_language("The delegation said on Sunday that the talks were held in Tripoli") == "en"
    assert detect_language("La délégation est arrivée dans la capitale pour des discussions") == "fr"
    assert detect_language("این یک خبر فارسی است که در تهران نوشته شد") == "fa"
    assert detect_language("12345 !!") == "und"


def test_id_is_the_envelope_id_or_a_stable_content_hash():
    a = normalize(Article(title="عنوان", body="نص"))
    b = normalize(Article(title="عنوان", body="نص"))
    assert assign_id(a).id == assign_id(b).id == content_hash("عنوان", "نص")
    assert assign_id(normalize(Article(id="x1", title="عنوان", body="نص"))).id == "x1"
    assert assign_id(normalize(Article(title="عنوان", body="نص آخر"))).id != a.id
