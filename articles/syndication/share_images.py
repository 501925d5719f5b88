"""Share images: the 1200×630 card a link shows when it is shared, drawn
with Pillow from the question, its topic and the site's name.

They are made off the request path (the `make_share_image` task after a
save, `manage.py make_share_images` for all of them) and stored as
`share/<id>/<key>.png`, where the key is a hash of what the card shows. The
page works its address out without a query, so a changed question or topic
name points pages at a new address at once, and each address can be cached
for a year. Until its card is drawn, the address leads to the site's card.
"""

import hashlib
import io
import logging
from functools import cache

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image, ImageDraw, ImageFont

logger = logging.getLogger(__name__)

WIDTH, HEIGHT = 1200, 630
VERSION = "1"  # bump when the drawing changes, so every card is drawn anew
FOLDER = "share"
SITE_CARD = "img/share-card.png"  # static: the home page's, and the stand-in
LOGO = "img/logo-512.png"

# The colours of static/css/site.css.
ACCENT = (11, 92, 173)
ACCENT_DARK = (8, 60, 112)
WHITE = (255, 255, 255)
PALE = (214, 228, 245)


def image_key(article):
    shown = [VERSION, settings.SITE_NAME, article.topic.name, article.question]
    text = "\0".join(shown)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def image_name(article_id, key):
    return f"{FOLDER}/{article_id}/{key}.png"


def image_url(article):
    """The card's address, worked out without reading storage."""
    return reverse("articles:share_image", args=[article.pk, image_key(article)])


def draw_card(title, label, site_name):
    """A PNG (bytes): the site's mark and name, a label, the title."""
    image = Image.new("RGB", (WIDTH, HEIGHT), ACCENT)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, HEIGHT - 90, WIDTH, HEIGHT), fill=ACCENT_DARK)
    draw_mark(draw, 72, 60, 84)
    draw.text((178, 78), site_name, font=font(46), fill=WHITE)
    if label:
        label_font = font(30)
        width = draw.textlength(label.upper(), font=label_font)
        draw.rounded_rectangle(
            (72, 196, 72 + width + 40, 248), radius=26, outline=PALE, width=3
        )
        draw.text((92, 205), label.upper(), font=label_font, fill=PALE)
    size, lines = fit(draw, title, max_width=WIDTH - 144, max_lines=3)
    y = 290
    for line in lines:
        draw.text((72, y), line, font=font(size), fill=WHITE)
        y += int(size * 1.2)
    draw.text((72, HEIGHT - 62), "Clear, sourced answers", font=font(28), fill=PALE)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def draw_mark(draw, x, y, size):
    """The logo mark (static/img/logo.svg): a speech bubble with a tick."""
    draw.rounded_rectangle(
        (x, y, x + size, y + size * 0.8), radius=size // 5, fill=WHITE
    )
    draw.polygon(
        [(x + size * 0.22, y + size * 0.75), (x + size * 0.22, y + size),
         (x + size * 0.48, y + size * 0.75)],
        fill=WHITE,
    )  # fmt: skip
    draw.line(
        [(x + size * 0.27, y + size * 0.42), (x + size * 0.43, y + size * 0.58),
         (x + size * 0.73, y + size * 0.24)],
        fill=ACCENT, width=max(3, size // 9), joint="curve",
    )  # fmt: skip


def fit(draw, text, max_width, max_lines):
    """The largest font size (64 down to 34) at which `text` wraps into
    `max_lines`; at the smallest, the last line ends in an ellipsis."""
    for size in range(64, 33, -6):
        lines = wrap(draw, text, font(size), max_width)
        if len(lines) <= max_lines:
            return size, lines
    lines = wrap(draw, text, font(size), max_width)[:max_lines]
    lines[-1] = lines[-1].rstrip(" .,;:") + "…"
    return size, lines


def wrap(draw, text, face, max_width):
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and draw.textlength(candidate, font=face) > max_width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


@cache
def font(size):
    """DejaVu Sans Bold where the system has it, else Pillow's own font."""
    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf", size)
    except OSError:
        return ImageFont.load_default(size=size)


def make(article):
    """Draw and store `article`'s card unless it is current; drop older ones.
    Returns "made" or "current"."""
    key = image_key(article)
    name = image_name(article.pk, key)
    if default_storage.exists(name):
        return "current"
    png = draw_card(article.question, article.topic.name, settings.SITE_NAME)
    default_storage.save(name, ContentFile(png))
    forget_old(article.pk, keep=f"{key}.png")
    return "made"


def forget_old(article_id, keep=None):
    folder = f"{FOLDER}/{article_id}"
    try:
        _, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for file in files:
        if file != keep:
            default_storage.delete(f"{folder}/{file}")
