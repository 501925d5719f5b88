import re
import time
from unittest import mock

import pytest
from django.core import signing
from django.core.cache import cache

from articles.models import Article
from suggestions.forms import TIMESTAMP_SALT
from suggestions.models import Suggestion
from tests.services import needs_redis

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_limits(settings):
    settings.SUGGEST_MIN_FILL_SECONDS = 2
    cache.clear()


def rendered(seconds_ago=5):
    return signing.dumps(time.time() - seconds_ago, salt=TIMESTAMP_SALT)


def post(client, question="What causes hiccups at night", **fields):
    data = {"question": question, "email": "", "website": "", "rendered": rendered()}
    data.update(fields)
    return client.post("/suggest/", data, REMOTE_ADDR=fields.pop("ip", "10.0.0.1"))


def test_get_prefills_from_q_and_suggests_existing_answers(client, make_article):
    make_article("What causes hiccups?")
    html = client.get("/suggest/?q=what+causes+hiccups").content.decode()
    assert 'value="what causes hiccups"' in html
    assert "Already answered?" in html and "/q/what-causes-hiccups/" in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_footer_box_on_every_page_leads_here(client, make_article):
    html = client.get(make_article().get_absolute_url()).content.decode()
    assert '<form method="get" action="/suggest/"' in html


def test_valid_post_creates_suggestion_and_thanks_the_visitor(client, topic):
    response = post(client, "  what   causes\thiccups at night ", email="A@B.example")
    assert response.status_code == 302
    suggestion = Suggestion.objects.get()
    assert suggestion.question == "what causes hiccups at night?"
    assert suggestion.status == Suggestion.Status.NEW
    assert [r.email for r in suggestion.requesters.all()] == ["a@b.example"]
    page = client.get(response["Location"]).content.decode()
    assert "Thank you for your suggestion" in page
    assert "What happens next" in page
    assert "what causes hiccups at night?" in page


def test_thanks_page_links_to_similar_answers(client, make_article):
    make_article("What causes hiccups?")
    response = post(client, "Why do hiccups last so long")
    page = client.get(response["Location"]).content.decode()
    assert "/q/what-causes-hiccups/" in page


def test_client_address_is_stored_only_as_a_keyed_hash(client, db):
    post(client, ip="203.0.113.9")
    stored = Suggestion.objects.get().client_hash
    assert len(stored) == 64 and "203.0.113.9" not in stored
    assert all(
        "203.0.113" not in str(v) for v in Suggestion.objects.values().get().values()
    )


def test_control_characters_are_stripped(client, db):
    post(client, "What\x00 causes\x07 static\u200b shock")
    assert Suggestion.objects.get().question == "What causes static shock?"


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("Why rain", "at least 10 characters"),
        ("What " + "very " * 50 + "long?", "keep it to 200 characters"),
        ("1234567890 ?!", "needs some words"),
        ("          ", "This field is required"),
    ],
)
def test_bad_questions_are_explained_next_to_the_field_and_kept(
    client, db, question, message
):
    response = post(client, question)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    # The field names its error and its help, and both exist.
    assert 'aria-describedby="id_question_helptext id_question_error"' in html
    assert 'id="id_question_error"' in html and 'id="id_question_helptext"' in html
    if question.strip():
        assert f'value="{question}"' in html
    assert not Suggestion.objects.exists()


def test_bad_email_is_reported_and_question_kept(client, db):
    response = post(client, "What causes fog in valleys", email="not-an-email")
    html = response.content.decode()
    assert "Enter a valid email address." in html
    assert 'value="What causes fog in valleys"' in html
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        lambda: {"website": "https://spam.example"},
        lambda: {"rendered": rendered(seconds_ago=0)},  # made when the test runs
        lambda: {"rendered": "forged-timestamp"},
        lambda: {"rendered": ""},
    ],
    ids=["honeypot", "too-fast", "forged", "missing"],
)
def test_bots_are_silently_dropped(client, db, fields):
    response = post(client, **fields())
    assert response.status_code == 302
    assert response["Location"] == "/suggest/thanks/"
    assert not Suggestion.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "Thank you for your suggestion" in page


def test_minimum_fill_time_is_configurable(client, db, settings):
    settings.SUGGEST_MIN_FILL_SECONDS = 0
    post(client, rendered=rendered(seconds_ago=0))
    assert Suggestion.objects.count() == 1


def test_an_expired_form_asks_again_and_keeps_the_text(client, db):
    two_days_ago = time.time() - 2 * 86400
    with mock.patch("django.core.signing.time.time", return_value=two_days_ago):
        old = signing.dumps(two_days_ago, salt=TIMESTAMP_SALT)
    response = post(client, "What causes thunder storms", rendered=old)
    html = response.content.decode()
    assert "open for a long time" in html
    assert 'value="What causes thunder storms"' in html
    assert not Suggestion.objects.exists()


def test_rate_limit_gives_a_readable_429(client, db, settings):
    settings.SUGGEST_RATE_LIMIT = 5
    for i in range(5):
        assert post(client, f"What causes thing number {i}").status_code == 302
    response = post(client, "What causes one too many")
    assert response.status_code == 429
    assert "You've sent a lot of suggestions" in response.content.decode()
    assert Suggestion.objects.count() == 5
    # Another visitor is not limited.
    assert post(client, "What causes other things", ip="10.0.0.2").status_code == 302


def test_rate_limit_honours_the_trusted_proxy_header(client, db, settings):
    settings.SUGGEST_RATE_LIMIT = 1
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"

    def via_proxy(question, forwarded):
        return client.post(
            "/suggest/",
            {"question": question, "rendered": rendered()},
            REMOTE_ADDR="10.9.9.9",
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    assert via_proxy("What causes the first thing", "198.51.100.1").status_code == 302
    assert via_proxy("What causes the second thing", "198.51.100.2").status_code == 302
    spoofed = "198.51.100.2, 198.51.100.1"  # the proxy appended the real address
    assert via_proxy("What causes the third thing", spoofed).status_code == 429


def test_similar_endpoint_returns_at_most_five_published_matches(client, make_article):
    for i in range(7):
        make_article(f"What causes hiccups in case {i}?")
    make_article("What causes hiccups in drafts?", status=Article.Status.DRAFT)
    html = client.get("/suggest/similar/?q=hiccups").content.decode()
    assert html.count("<li>") == 5
    assert "drafts" not in html
    assert client.get("/suggest/similar/?q=").content.decode().strip() == ""


def test_similar_endpoint_is_rate_limited(client, db, settings):
    settings.SIMILAR_RATE_LIMIT = 3
    codes = [client.get("/suggest/similar/?q=rain").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_a_prefilled_suggest_page_shares_the_look_up_limit(
    client, make_article, settings
):
    """/suggest/?q= runs the same look-up, so it counts against the same
    limit and gets the same 429; the question stays in the form."""
    make_article("What causes rain?")
    settings.SIMILAR_RATE_LIMIT = 3
    codes = [client.get("/suggest/similar/?q=rain").status_code for _ in range(2)]
    codes.append(client.get("/suggest/?q=what+causes+rain").status_code)
    assert codes == [200, 200, 200]
    response = client.get("/suggest/?q=what+causes+rain")
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    html = response.content.decode()
    assert "Too many look-ups; please wait a minute." in html
    assert 'value="what causes rain"' in html  # nothing typed is lost
    assert "Already answered?" not in html  # the look-up did not run
    assert client.get("/suggest/similar/?q=rain").status_code == 429
    assert client.get("/suggest/").status_code == 200  # no look-up, no limit


def test_suggest_page_query_budget(client, make_article, django_assert_max_num_queries):
    for i in range(30):
        make_article(f"What causes hiccups {i}?")
    with django_assert_max_num_queries(2):
        client.get("/suggest/?q=what+causes+hiccups")
    with django_assert_max_num_queries(2):
        client.get("/suggest/similar/?q=hiccups")
    with django_assert_max_num_queries(10):
        response = post(client, "What causes hiccups after meals")
    with django_assert_max_num_queries(2):
        client.get(response["Location"])  # the thank-you page


def test_similar_matches_whole_word_starts_only(client, make_article):
    make_article("What causes the afternoon slump?")
    make_article("What causes rainbows?")
    html = client.get("/suggest/similar/?q=why+do+I+feel+sick+after+rain").content
    html = html.decode()
    assert "rainbows" in html and "afternoon" not in html


@needs_redis
@pytest.mark.parametrize(
    "backend",
    [
        "django.core.cache.backends.redis.RedisCache",
        "whatanswers.redis_cache.SharedClientRedisCache",  # one round trip
    ],
)
def test_rate_limit_works_with_redis_as_the_cache(client, db, settings, backend):
    settings.CACHES = {
        "default": {
            "BACKEND": backend,
            "LOCATION": "redis://127.0.0.1:6379/14",
            "KEY_PREFIX": f"test-{time.time()}",
        }
    }
    settings.SUGGEST_RATE_LIMIT = 2
    codes = [post(client, f"What causes redis case {i}").status_code for i in range(3)]
    assert codes == [302, 302, 429]
    redis = cache._cache.get_client()
    keys = redis.keys(f"{settings.CACHES['default']['KEY_PREFIX']}*ratelimit:suggest*")
    assert len(keys) == 1
    # The window's counter expires with the window; it never lives for ever.
    assert 0 < redis.ttl(keys[0]) <= settings.SUGGEST_RATE_WINDOW + 1


def test_the_question_field_allows_what_its_help_says(client, db):
    """200 characters in the help, the browser's limit and the server's."""
    html = client.get("/suggest/").content.decode()
    assert "10 to 200 characters" in html
    field = re.search(r'<input type="text" name="question"[^>]*>', html).group(0)
    assert 'maxlength="200"' in field
    assert 'aria-describedby="id_question_helptext"' in field
    response = post(client, "What " + "x" * 195 + "?")  # 201 characters
    assert (
        "Please keep it to 200 characters (this is 201)." in response.content.decode()
    )
    assert post(client, "What " + "x" * 194 + "?").status_code == 302  # 200
