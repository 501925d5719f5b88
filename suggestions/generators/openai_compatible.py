"""A full draft from any server that speaks OpenAI's chat-completions API.

OpenAI itself, Ollama, vLLM and llama.cpp all do. Configure it with
ANSWER_LLM_BASE_URL, ANSWER_LLM_MODEL and ANSWER_LLM_API_KEY.
"""

import json

import openai
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from topics.models import Topic

from . import Draft, GenerationError, guess_taxonomy

SYSTEM_PROMPT = """\
You write answers for {site}, a question-and-answer site. Answer the user's
question accurately and plainly for a general audience. Reply with one JSON
object and nothing else, with these keys:
- "summary": one or two sentences that answer the question;
- "key_facts": a list of 3 to 8 short, factual sentences;
- "body": the answer in Markdown, organised under "## " headings, with
  numbered "### " subheadings or lists where they help;
- "sources": a list of {{"title", "url", "publisher"}} objects for reputable
  sources, with http or https URLs;
- "topic": the best fitting one of: {topics}.
"""

REQUIRED_KEYS = ("summary", "key_facts", "body", "sources")


class OpenAICompatibleGenerator:
    def generate(self, question):
        base_url = getattr(settings, "ANSWER_LLM_BASE_URL", "")
        model = getattr(settings, "ANSWER_LLM_MODEL", "")
        if not base_url or not model:
            raise GenerationError(
                "Set ANSWER_LLM_BASE_URL and ANSWER_LLM_MODEL to use this generator."
            )
        topic, question_type = guess_taxonomy(question)
        data = parse_answer(self._complete(base_url, model, question))
        chosen = Topic.objects.filter(name__iexact=str(data.get("topic", ""))).first()
        return Draft(
            question=question,
            topic=chosen or topic,
            question_type=question_type,
            summary=data["summary"],
            key_facts=data["key_facts"],
            body=data["body"],
            sources=data["sources"],
            ai_assisted=True,
        )

    def _complete(self, base_url, model, question):
        timeout = getattr(settings, "ANSWER_LLM_TIMEOUT", 60)
        client = openai.OpenAI(
            base_url=base_url,
            api_key=getattr(settings, "ANSWER_LLM_API_KEY", "") or "not-needed",
            timeout=timeout,
            max_retries=0,  # the task retries with backoff instead
        )
        topics = ", ".join(Topic.objects.values_list("name", flat=True))
        try:
            response = client.chat.completions.create(
                model=model,
                messages=[
                    {
                        "role": "system",
                        "content": SYSTEM_PROMPT.format(
                            site=settings.SITE_NAME, topics=topics or "General"
                        ),
                    },
                    {"role": "user", "content": question},
                ],
                response_format={"type": "json_object"},
                temperature=0.3,
            )
        except openai.APITimeoutError as exc:
            raise GenerationError(
                f"The answer server did not reply within {timeout} s."
            ) from exc
        except openai.APIConnectionError as exc:
            raise GenerationError(
                f"Could not reach the answer server at {base_url}."
            ) from exc
        except openai.APIStatusError as exc:
            raise GenerationError(
                f"The answer server returned HTTP {exc.status_code}."
            ) from exc
        if not response.choices or not response.choices[0].message.content:
            raise GenerationError("The answer server returned an empty reply.")
        return response.choices[0].message.content


def parse_answer(content):
    """Validate the model's JSON reply; GenerationError says what is wrong."""
    try:
        data = json.loads(content)
    except json.JSONDecodeError as exc:
        raise GenerationError(f"The reply was not valid JSON ({exc.msg}).") from exc
    if not isinstance(data, dict):
        raise GenerationError("The reply was not a JSON object.")
    missing = [key for key in REQUIRED_KEYS if key not in data]
    if missing:
        raise GenerationError(f"The reply lacks {', '.join(missing)}.")
    for key in ("summary", "body"):
        if not isinstance(data[key], str) or not data[key].strip():
            raise GenerationError(f"The reply's {key} is empty or not text.")
    facts = data["key_facts"]
    if not isinstance(facts, list) or not all(
        isinstance(f, str) and f.strip() for f in facts
    ):
        raise GenerationError("The reply's key_facts is not a list of text.")
    if not 3 <= len(facts) <= 8:
        raise GenerationError(f"The reply has {len(facts)} key facts; 3 to 8 needed.")
    return {
        "summary": data["summary"].strip()[:400],
        "body": data["body"].strip(),
        "key_facts": [f.strip()[:300] for f in facts],
        "sources": _sources(data["sources"]),
        "topic": data.get("topic", ""),
    }


def _sources(sources):
    if not isinstance(sources, list):
        raise GenerationError("The reply's sources is not a list.")
    valid = URLValidator(schemes=["http", "https"])
    cleaned = []
    for i, source in enumerate(sources, start=1):
        if not isinstance(source, dict) or not source.get("title"):
            raise GenerationError(f"Source {i} has no title.")
        url = str(source.get("url", ""))
        try:
            valid(url)
        except ValidationError as exc:
            raise GenerationError(f"Source {i} has no http(s) URL: {url!r}.") from exc
        cleaned.append(
            {
                "title": str(source["title"])[:200],
                "url": url[:500],
                "publisher": str(source.get("publisher") or "")[:120],
            }
        )
    return cleaned
