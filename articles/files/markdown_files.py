"""Articles as Markdown files with YAML front matter: reading, importing, writing.

    ---
    question: What causes hiccups?
    topic: Health & Body
    tags: [breathing, reflexes]
    key_facts: [...]
    sources: [{title: ..., url: https://..., publisher: ...}]
    status: published
    published_at: '2026-04-01T09:00:00+00:00'
    last_updated: '2026-04-04'
    ---
    The body, in Markdown.

`write_article(render_article(a))` and `import_file` are inverses: exporting,
importing into an empty database and exporting again gives the same bytes.
"""

import datetime
import difflib
from dataclasses import dataclass, field

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import slugify

from articles.core.markdown import complexity_problems, strip_controls
from articles.core.models import Article, KeyFact, SlugRedirect, Source
from articles.editorial import readiness, revisions
from topics.models import QuestionType, Topic, normalise_question

KEYS = [
    "question",
    "slug",
    "topic",
    "question_type",
    "summary",
    "tags",
    "key_facts",
    "sources",
    "status",
    "published_at",
    "last_updated",
    "ai_assisted",
    "exclude_from_trending",
    "redirect_from",
    "reviewed_by",
    "reviewed_at",
]


class FileError(Exception):
    """A problem with one file, tied to the field that has it."""

    def __init__(self, field_name, message):
        super().__init__(f"{field_name}: {message}")
        self.field = field_name


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as strings, so a bad date is reported
    against its field instead of failing the whole YAML parse."""


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp) for tag, regexp in resolvers if not tag.endswith(":timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class ArticleData:
    question: str
    topic: str
    body: str
    slug: str = ""
    question_type: str = ""
    summary: str = ""
    tags: list = field(default_factory=list)
    key_facts: list = field(default_factory=list)
    sources: list = field(default_factory=list)
    status: str = Article.Status.DRAFT
    published_at: datetime.datetime | None = None
    last_updated: datetime.date | None = None
    ai_assisted: bool = False
    exclude_from_trending: bool = False
    redirect_from: list = field(default_factory=list)
    reviewed_by: str = ""  # the reviewer's name as the page shows it
    reviewed_at: datetime.datetime | None = None


def split_front_matter(text):
    """(front matter dict, body) of a file's text."""
    text = text.replace("\r\n", "\n").removeprefix("\ufeff")
    if not text.startswith("---\n"):
        raise FileError("front matter", "the file must start with a '---' line")
    end = text.find("\n---", 3)
    if end == -1 or text[end + 4 : end + 5] not in ("\n", ""):
        raise FileError("front matter", "no closing '---' line")
    front = text[4:end]
    depth = _yaml_depth(front)
    if depth > MAX_YAML_DEPTH:
        raise FileError(
            "front matter", f"nested {depth} levels deep; at most {MAX_YAML_DEPTH}"
        )
    try:
        data = yaml.load(front, Loader=_Loader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as exc:
        raise FileError("front matter", f"invalid YAML: {exc}") from exc
    except (ValueError, OverflowError) as exc:  # e.g. a 5,000-digit number
        raise FileError(
            "front matter", f"holds a value too big to read: {exc}"
        ) from exc
    except RecursionError as exc:
        raise FileError("front matter", "nested too deeply to read") from exc
    if not isinstance(data, dict):
        raise FileError("front matter", "expected 'key: value' lines")
    return data, text[end + 4 :].strip("\n")


MAX_YAML_DEPTH = 10
# Dates a page or a query can hold without overflowing (a year-1 date with an
# offset is before the first representable instant).
EARLIEST, LATEST = 1900, 2200


def _yaml_depth(front):
    """How deeply the front matter nests, by flow brackets and indentation
    together, in one pass (PyYAML's parser is recursive)."""
    deepest = flow = 0
    for line in front.splitlines():
        indent = (len(line) - len(line.lstrip(" "))) // 2
        for char in line:
            if char in "[{":
                flow += 1
                deepest = max(deepest, flow + indent)
            elif char in "]}" and flow:
                flow -= 1
        deepest = max(deepest, indent + flow)
    return deepest


def clean_text(value, key):
    """Refuse NUL, drop the other control characters."""
    if "\x00" in value:
        raise FileError(key, "holds a NUL character")
    return strip_controls(value)


def parse_article(text):
    """Validate a file's text into ArticleData, or raise FileError."""
    data, body = split_front_matter(text)
    unknown = sorted(set(map(str, data)) - set(KEYS))
    if unknown:
        raise FileError(unknown[0], f"unknown key (known keys: {', '.join(KEYS)})")
    article = ArticleData(
        question=_text(data, "question", required=True, max_length=200),
        topic=_text(data, "topic", required=True, max_length=80),
        body=body,
        slug=_slug(data),
        question_type=_text(data, "question_type", max_length=80),
        summary=_text(data, "summary", max_length=400),
        tags=_text_list(data, "tags", max_length=100),
        key_facts=_text_list(data, "key_facts", max_length=300),
        sources=_sources(data),
        status=_status(data),
        published_at=_datetime(data, "published_at"),
        last_updated=_date(data, "last_updated"),
        ai_assisted=_bool(data, "ai_assisted"),
        exclude_from_trending=_bool(data, "exclude_from_trending"),
        redirect_from=_slugs(data, "redirect_from"),
        reviewed_by=_text(data, "reviewed_by", max_length=150),
        reviewed_at=_datetime(data, "reviewed_at"),
    )
    if bool(article.reviewed_by) != bool(article.reviewed_at):
        raise FileError("reviewed_by", "give reviewed_by and reviewed_at together")
    body = clean_text(body, "body")
    article.body = body
    too_complex = complexity_problems(body)
    if too_complex:
        raise FileError(
            "body",
            "This body is too big or too deeply built to show: "
            + " ".join(too_complex),
        )
    if article.status == Article.Status.PUBLISHED:
        # The same bar as every other way of publishing (articles.editorial.readiness).
        problems = readiness.problems(
            article.summary, body, len(article.key_facts), len(article.sources)
        )
        if problems:
            raise FileError("status", "cannot be published: " + " ".join(problems))
    return article


def _text(data, key, required=False, max_length=None):
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise FileError(key, "is required")
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise FileError(key, "must be text")
    if isinstance(value, (int, float)) and abs(value) > 10**15:
        raise FileError(key, "is a number too big to be meant")
    value = clean_text(str(value), key).strip()
    if max_length and len(value) > max_length:
        raise FileError(key, f"is {len(value)} characters; at most {max_length}")
    return value


def _slug(data):
    slug = _text(data, "slug", max_length=200)
    if slug and slug != slugify(slug):
        raise FileError("slug", f"{slug!r} is not a slug (try {slugify(slug)!r})")
    return slug


def _slugs(data, key):
    slugs = _text_list(data, key, max_length=200)
    for i, slug in enumerate(slugs):
        if slug != slugify(slug):
            raise FileError(f"{key}[{i}]", f"{slug!r} is not a slug")
    return slugs


def _text_list(data, key, max_length):
    values = data.get(key) or []
    if not isinstance(values, list):
        raise FileError(key, "must be a list")
    return [
        _text({f"{key}[{i}]": v}, f"{key}[{i}]", True, max_length)
        for i, v in enumerate(values)
    ]


def _sources(data):
    values = data.get("sources") or []
    if not isinstance(values, list):
        raise FileError("sources", "must be a list of {title, url, publisher}")
    sources = []
    for i, item in enumerate(values):
        name = f"sources[{i}]"
        if not isinstance(item, dict) or set(item) - {"title", "url", "publisher"}:
            raise FileError(name, "must have title, url and optionally publisher")
        source = {
            "title": _text(item, "title", required=True, max_length=200),
            "url": _text(item, "url", required=True, max_length=500),
            "publisher": _text(item, "publisher", max_length=120),
        }
        try:
            URLValidator(schemes=["http", "https"])(source["url"])
        except ValidationError as exc:
            raise FileError(
                f"{name}.url", f"{source['url']!r} is not an http(s) URL"
            ) from exc
        sources.append(source)
    return sources


def _status(data):
    status = _text(data, "status") or Article.Status.DRAFT
    allowed = [Article.Status.DRAFT, Article.Status.PUBLISHED]  # not the trash
    if status not in allowed:
        raise FileError("status", f"must be one of {', '.join(allowed)}")
    return status


def _datetime(data, key):
    value = _text(data, key)
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise FileError(key, f"{value!r} is not a date-time like 2026-04-01T09:00:00Z")
    try:
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed, datetime.UTC)
        in_utc = parsed.astimezone(datetime.UTC)
    except (OverflowError, ValueError):
        in_utc = None
    if in_utc is None or not EARLIEST <= in_utc.year <= LATEST:
        raise FileError(key, f"{value!r} is out of range ({EARLIEST}–{LATEST})")
    return parsed


def _date(data, key):
    value = _text(data, key)
    if not value:
        return None
    try:
        parsed = parse_date(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise FileError(key, f"{value!r} is not a date like 2026-04-04")
    if not EARLIEST <= parsed.year <= LATEST:
        raise FileError(key, f"{value!r} is out of range ({EARLIEST}–{LATEST})")
    return parsed


def _bool(data, key):
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise FileError(key, "must be true or false")
    return value


def import_file(path, create_missing=False):
    """Create or update the article in `path`; "created" or "updated".

    Everything the file touches is saved in one transaction, so a file that
    fails leaves nothing behind. A topic or question type that does not exist
    is an error naming the closest ones, unless `create_missing`.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FileError("file", f"cannot be read: {exc}") from exc
    data = parse_article(text)
    comment = f"Imported from {path.name}"
    with transaction.atomic(), revisions.recorded(comment, origin="import_articles"):
        return _save(data, create_missing)


def _save(data, create_missing=False):
    # A file names its answer by slug; without one, by its exact question,
    # so that two questions that slugify alike never overwrite each other.
    if data.slug:
        article = Article.objects.filter(slug=data.slug).first()
    else:
        article = Article.objects.filter(question=data.question).first()
    created = article is None
    article = article or Article(slug=data.slug)
    article.question = data.question
    article.topic = _topic(data.topic, create_missing)
    article.question_type = _question_type(data, create_missing)
    article.summary = data.summary
    article.body = data.body
    article.status = data.status
    article.published_at = data.published_at
    if data.status == Article.Status.PUBLISHED and data.published_at is None:
        article.published_at = timezone.now()
    article.last_updated = data.last_updated or timezone.localdate()
    article.ai_assisted = data.ai_assisted
    article.exclude_from_trending = data.exclude_from_trending
    article.reviewer_name, article.reviewed_at = data.reviewed_by, data.reviewed_at
    _validate(article)
    article.save()
    _add_redirects(article, data.redirect_from)
    article.tags.set(data.tags)
    article.key_facts.all().delete()
    KeyFact.objects.bulk_create(
        KeyFact(article=article, text=text, position=i)
        for i, text in enumerate(data.key_facts, start=1)
    )
    article.sources.all().delete()
    Source.objects.bulk_create(
        Source(article=article, position=i, **source)
        for i, source in enumerate(data.sources, start=1)
    )
    revisions.include(article)
    return "created" if created else "updated"


def _validate(article):
    try:
        article.full_clean(exclude=["tags"])
    except ValidationError as exc:
        name, messages = next(iter(exc.message_dict.items()))
        raise FileError(name, " ".join(messages)) from exc


def _add_redirects(article, old_slugs):
    """Keep the answer's old addresses. Ones the file no longer lists stay:
    an import never breaks a link that worked."""
    for i, old in enumerate(old_slugs):
        if old == article.slug:
            raise FileError(f"redirect_from[{i}]", "is the answer's own slug")
        if Article.objects.filter(slug=old).exists():
            raise FileError(f"redirect_from[{i}]", f"{old!r} is another answer's slug")
        taken = SlugRedirect.objects.filter(old_slug=old).first()
        if taken is not None and taken.article_id != article.pk:
            raise FileError(
                f"redirect_from[{i}]", f"{old!r} already leads to another answer"
            )
        SlugRedirect.objects.get_or_create(old_slug=old, article=article)


def _topic(name, create_missing):
    return _taxonomy(Topic, "topic", name, create_missing, slug_default="topic")


def _taxonomy(model, key, name, create_missing, slug_default, **fields):
    found = model.objects.filter(name__iexact=name).first()
    if found is not None:
        return found
    if not create_missing:
        names = list(model.objects.values_list("name", flat=True))
        close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise FileError(
            key,
            f"{name}: no such {model._meta.verbose_name}{hint} "
            "(import with --create-missing to create it)",
        )
    slug = slugify(name)[:80] or slug_default
    clash = model.objects.filter(slug=slug).first()
    if clash is not None:
        raise FileError(key, f"{name}: its address {slug!r} is already {clash.name}'s")
    return model.objects.create(name=name, slug=slug, **fields)


def _question_type(data, create_missing):
    if not data.question_type:
        detected = QuestionType.objects.detect(data.question)
        if detected is None and data.status == Article.Status.DRAFT:
            return None  # a draft may wait for an editor to choose
        if detected is None:
            raise FileError(
                "question_type",
                "absent, and no question type's prefix matches the question; name one",
            )
        return detected
    name = data.question_type
    prefix = normalise_question(name)
    found = QuestionType.objects.filter(name__iexact=name).first() or next(
        (qt for qt in QuestionType.objects.all() if prefix and prefix in qt.prefixes()),
        None,
    )  # "Why Does" is the "Why Do" type, whose other prefixes hold "why does"
    if found is not None:
        return found
    return _taxonomy(
        QuestionType,
        "question_type",
        name,
        create_missing,
        "type",
        prefix=prefix,
        extra_prefixes=QuestionType.objects.standard_variants(prefix),
    )


def render_article(article):
    """The file text for `article`, in the format `parse_article` reads."""
    front = {
        "question": article.question,
        "slug": article.slug,
        "topic": article.topic.name,
        "question_type": article.question_type.name if article.question_type else None,
        "summary": article.summary,
        "tags": sorted((tag.name for tag in article.tags.all()), key=str.lower),
        "key_facts": [fact.text for fact in article.key_facts.all()],
        "sources": [
            {"title": s.title, "url": s.url, "publisher": s.publisher}
            if s.publisher
            else {"title": s.title, "url": s.url}
            for s in article.sources.all()
        ],
        "status": article.status,
        "published_at": (
            article.published_at.astimezone(datetime.UTC).isoformat()
            if article.published_at
            else None
        ),
        "last_updated": article.last_updated.isoformat(),
        "ai_assisted": article.ai_assisted,
        "exclude_from_trending": article.exclude_from_trending or None,
        "redirect_from": sorted(r.old_slug for r in article.redirects.all()),
        "reviewed_by": article.reviewer_name if article.reviewed_at else None,
        "reviewed_at": (
            article.reviewed_at.astimezone(datetime.UTC).isoformat()
            if article.reviewed_at and article.reviewer_name
            else None
        ),
    }
    front = {key: value for key, value in front.items() if value not in (None, "", [])}
    header = yaml.safe_dump(
        front, sort_keys=False, allow_unicode=True, width=88, default_flow_style=False
    )
    body = article.body.replace("\r\n", "\n").strip("\n")
    return f"---\n{header}---\n\n{body}\n"
