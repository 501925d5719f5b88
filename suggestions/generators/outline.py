"""The offline default: an outline for the editor to fill in.

It writes the section headings that an answer of this question type needs,
with a short note to the editor under each (HTML comments, which the page
renderer strips). No prose is invented and Key Facts are left to the editor.
"""

from . import Draft, guess_taxonomy

OUTLINES = {
    "what causes": [
        ("Overview", "What the problem is and who it affects."),
        ("Common causes", "One numbered ### heading per cause, most common first."),
        ("Less common causes", "Rarer causes worth knowing about."),
        ("Risk factors", "What makes it more likely."),
        ("When to get help", "Signs that need a professional."),
        ("What helps", "Practical steps, as a list."),
    ],
    "why do": [
        ("The short answer", "One or two sentences."),
        ("The explanation", "The mechanism, step by step."),
        ("What influences it", "Factors that make it stronger or weaker."),
        ("Common misconceptions", "Popular explanations that are wrong."),
    ],
    "how does": [
        ("The short answer", "One or two sentences."),
        ("The parts involved", "What each part does."),
        ("Step by step", "A numbered list of what happens."),
        ("Limits and trade-offs", "Where it falls short."),
    ],
    "what is": [
        ("Definition", "A plain-language definition."),
        ("How it works", "The essentials, without jargon."),
        ("Why it matters", "Where readers meet it."),
        ("Related ideas", "Terms that are often confused with it."),
    ],
    "how to": [
        ("Before you start", "What you need and what to check."),
        ("Step by step", "A numbered list of steps."),
        ("Common mistakes", "What goes wrong and how to avoid it."),
        ("When to get help", "When to call a professional."),
    ],
}
NO_TYPE_NOTE = (
    "No question type's prefix matches this question: choose a type before "
    "publishing (or add the prefix to a type)."
)
GENERIC_OUTLINE = [
    ("Overview", "The short answer first."),
    ("The details", "The explanation, with ### subheadings."),
    ("Practical points", "What the reader can do with this."),
]


class OutlineGenerator:
    def generate(self, question):
        topic, question_type = guess_taxonomy(question)
        prefix = question_type.prefix if question_type else None
        sections = OUTLINES.get(prefix, GENERIC_OUTLINE)
        body = "\n\n".join(
            f"## {heading}\n\n<!-- Editor: {note} -->" for heading, note in sections
        )
        if question_type is None:
            body = f"<!-- Editor: {NO_TYPE_NOTE} -->\n\n{body}"
        return Draft(
            question=question,
            topic=topic,
            question_type=question_type,
            body=body,
        )
