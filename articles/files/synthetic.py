"""Made-up but realistic content for scale tests (manage.py generate_answers).

About 30 topics and 10 question types, a vocabulary of about 2,000 tags used
with a Zipf-like spread, 4–6 key facts, 2–3 sources and 400–900 words of body
per answer. Everything derives from the seed, answer by answer, so the same
seed gives the same site whatever the batch size.
"""

import datetime
import itertools
import random

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from articles.core.models import Article, KeyFact, Source
from articles.discovery.models import ArticleView
from topics.models import QuestionType, Topic, normalise_question

TOPICS = """Animals; Art & Design; Astronomy; Cars; Careers; Chemistry; Computing;
Cooking; Earth Science; Economics; Education; Energy; Family; Fitness; Gardening;
Geography; Health; History; Home; Language; Law; Money; Music; Oceans; Parenting;
Physics; Psychology; Sleep; Sport; Travel""".replace("\n", " ").split("; ")

TYPES = [
    ("What Causes", "what causes"),
    ("How Does", "how does"),
    ("Why Do", "why do"),
    ("What Is", "what is"),
    ("How To", "how to"),
    ("Can You", "can you"),
    ("Is It", "is it"),
    ("When Should", "when should"),
    ("Which Is", "which is"),
    ("Why Does", "why does"),
]

WORDS = """the a of and to in is that it for as with on are by this be from at or an
which can more when most also their they some other into than these may each
only over such many after about where both most often while because during
water heat light body energy time people system change process level cell
plant animal muscle air pressure surface temperature signal force sound memory
habit market price risk rate growth sleep food salt sugar fibre protein iron
wave field charge layer root soil stone rain cloud wind season tide moon orbit
engine battery screen code network signal record study result effect cause
reason factor pattern cycle stage balance limit range source method small
large early late common rare simple strong weak steady quick slow usually
rarely slightly mostly partly widely clearly directly gradually forms moves
grows breaks holds keeps turns builds shows reduces raises lowers protects
supports controls measures explains depends happens""".split()  # noqa: SIM905

SYLLABLES = """ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo fu ga ge gi
go gu ha he hi ho hu ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni no nu pa pe
pi po pu ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo vu za ze zi
zo zu""".split()  # noqa: SIM905

PUBLISHERS = ["Field Notes Press", "Open Science Review", "Public Data Office"]
TAG_COUNT = 2000
ZIPF_EXPONENT = 1.0


class Corpus:
    def __init__(self, seed):
        self.seed = seed
        self.now = timezone.now()
        self.tag_words = self._tag_words()
        weights = [1 / (rank**ZIPF_EXPONENT) for rank in range(1, TAG_COUNT + 1)]
        self.tag_cum_weights = list(itertools.accumulate(weights))

    def _tag_words(self):
        rng = random.Random(f"{self.seed}:tags")
        words = set()
        while len(words) < TAG_COUNT:
            words.add("".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))))
        return sorted(words)

    def create_taxonomy(self):
        self.topics = [
            Topic.objects.get_or_create(
                slug=slugify(name), defaults={"name": name, "position": i}
            )[0]
            for i, name in enumerate(TOPICS)
        ]
        self.types = []
        for i, (name, prefix) in enumerate(TYPES):
            qtype = QuestionType.objects.filter(prefix=prefix).first()
            if qtype is None:
                qtype = QuestionType.objects.create(
                    name=name, slug=slugify(name), prefix=prefix, position=i
                )
            self.types.append(qtype)
        Tag.objects.bulk_create(
            [Tag(name=w, slug=w) for w in self.tag_words], ignore_conflicts=True
        )
        ids = dict(
            Tag.objects.filter(name__in=self.tag_words).values_list("name", "pk")
        )
        self.tag_ids = [ids[w] for w in self.tag_words]

    def create_answers(self, offset, size):
        answers, facts, sources, tags = [], [], [], []
        for i in range(offset, offset + size):
            article, its_facts, its_sources, its_tags = self._answer(i)
            answers.append(article)
            facts.append(its_facts)
            sources.append(its_sources)
            tags.append(its_tags)
        Article.objects.bulk_create(answers)
        article_type = ContentType.objects.get_for_model(Article)
        KeyFact.objects.bulk_create(
            KeyFact(article=a, text=t, position=n)
            for a, texts in zip(answers, facts, strict=True)
            for n, t in enumerate(texts, start=1)
        )
        Source.objects.bulk_create(
            Source(article=a, position=n, **fields)
            for a, rows in zip(answers, sources, strict=True)
            for n, fields in enumerate(rows, start=1)
        )
        TaggedItem.objects.bulk_create(
            TaggedItem(tag_id=tag, content_type=article_type, object_id=a.pk)
            for a, ids in zip(answers, tags, strict=True)
            for tag in ids
        )
        return answers

    def _answer(self, i):
        rng = random.Random(f"{self.seed}:answer:{i}")
        topic = self.topics[i % len(self.topics)]
        qtype = rng.choice(self.types)
        tag_ids, wanted = set(), rng.randint(3, 6)
        while len(tag_ids) < wanted:
            (index,) = rng.choices(range(TAG_COUNT), cum_weights=self.tag_cum_weights)
            tag_ids.add(self.tag_ids[index])
        subject = " ".join(rng.sample(self.tag_words, 2))
        question = f"{qtype.prefix.capitalize()} {subject} {rng.choice(WORDS)} {i}?"
        published = self.now - datetime.timedelta(minutes=5 + i * 7 + rng.randint(0, 5))
        article = Article(
            question=question[:200],
            normalised_question=normalise_question(question)[:200],
            slug=f"{slugify(question)[:180]}",
            topic=topic,
            question_type=qtype,
            summary=self._sentence(rng, 18, 30),
            body=self._body(rng),
            status=Article.Status.PUBLISHED,
            published_at=published,
            # Live from the start, as if long ago: no go-live effects to fire
            # (articles.editorial.publishing).
            announced_at=published,
            last_updated=(
                published + datetime.timedelta(days=rng.randint(0, 30))
            ).date(),
        )
        facts = [self._sentence(rng, 8, 16) for _ in range(rng.randint(4, 6))]
        sources = [
            {
                "title": self._sentence(rng, 4, 8).rstrip("."),
                "url": f"https://example.org/{slugify(subject)}/{i}/{n}",
                "publisher": rng.choice(PUBLISHERS),
            }
            for n in range(rng.randint(2, 3))
        ]
        return article, facts, sources, sorted(tag_ids)

    @staticmethod
    def _sentence(rng, shortest, longest):
        words = rng.choices(WORDS, k=rng.randint(shortest, longest))
        return " ".join(words).capitalize() + "."

    def _body(self, rng):
        """Numbered sections of paragraphs, exactly 400–900 words in all."""
        remaining = rng.randint(400, 900)
        parts, section = [], 1
        while remaining > 0:
            heading = f"## {section}. {self._sentence(rng, 2, 5).rstrip('.')}"
            parts.append(heading)
            remaining -= len(heading.split())
            for _ in range(rng.randint(2, 4)):
                words = []
                for _ in range(4):
                    words += self._sentence(rng, 10, 22).split()
                words = words[: max(remaining, 0)]
                if not words:
                    break
                remaining -= len(words)
                parts.append(" ".join(words).rstrip(".") + ".")
            section += 1
        return "\n\n".join(parts)

    def create_views(self, total, days, progress, batch=20000, newest=None):
        """`total` daily rows, spread over the answers, popular ones first:
        the `newest` answers only when given (those just created, whose days
        hold no rows yet)."""
        ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
        ids = ids[-newest:] if newest else ids
        today = timezone.localdate()
        per_answer, extra = divmod(total, len(ids))
        rows, done = [], 0
        for rank, pk in enumerate(ids):
            rng = random.Random(f"{self.seed}:views:{pk}")
            k = per_answer + (1 if rank < extra else 0)
            popularity = 2000 / (1 + rank) ** 0.8
            for back in rng.sample(range(days), k):
                count = max(1, int(popularity * rng.uniform(0.5, 1.5)))
                day = today - datetime.timedelta(days=back)
                rows.append(ArticleView(article_id=pk, day=day, count=count))
            if len(rows) >= batch:
                ArticleView.objects.bulk_create(rows)
                done += len(rows)
                rows = []
                progress(done)
        ArticleView.objects.bulk_create(rows)
        progress(done + len(rows))
