"""Subject and text of a communication, from the admins' template or the built-in one.

Built-in texts live in `templates/communications/messages/<type>/<channel>_<depth>.<lang>.txt`:
the first line is `Subject: …`, the text follows after an empty line. A letter uses the e-mail text
inside the letter layout, and a conversation the e-mail text as talking points, unless a template
of their own exists. Texts are Django templates rendered in the recipient's language.
"""

import datetime
import functools
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.template import Context, Engine, Template
from django.template.loader import get_template
from django.utils import translation

from .models import CommunicationTemplate, TemplateChannel, template_channel

# Plain text: nothing is HTML-escaped (an e-mail body is not a web page).
ENGINE = Engine(
    autoescape=False,
    libraries={
        "i18n": "django.templatetags.i18n",
        "treue_messages": "treue.communications.templatetags.treue_messages",
    },
)


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


def _variants(channel: str, depth: str, language: str) -> list[tuple[str, str, str]]:
    channels = [template_channel(channel)]
    if channels[0] != TemplateChannel.EMAIL:
        channels.append(TemplateChannel.EMAIL)
    depths = [depth] + [d for d in ("summary", "technical") if d != depth]
    languages = [language] + [lang for lang in ("de", "en") if lang != language]
    return [(c, d, lang) for lang in languages for c in channels for d in depths]


Stored = dict[tuple[str, str, str], CommunicationTemplate]


def stored_templates(*, type: str) -> Stored:
    """The admins' templates of `type` by (channel, depth, language), for several renders."""
    return {
        (t.channel, t.depth, t.language): t for t in CommunicationTemplate.objects.filter(type=type)
    }


def template_source(
    *, type: str, channel: str, depth: str, language: str, stored: Stored | None = None
) -> tuple[str, str]:
    """(subject, body) template source; the closest variant the admins or treue provide."""
    if stored is None:
        stored = stored_templates(type=type)
    for variant in _variants(channel, depth, language):
        if variant in stored:
            return stored[variant].subject, stored[variant].body
        built_in = _built_in(type, *variant)
        if built_in is not None:
            return built_in
    raise LookupError(f"no template for {type}")


def _built_in(type: str, channel: str, depth: str, language: str) -> tuple[str, str] | None:
    name = f"communications/messages/{type}/{channel}_{depth}.{language}.txt"
    try:
        template = get_template(name)
    except Exception:  # TemplateDoesNotExist: try the next variant
        return None
    source = template.template.source  # type: ignore[attr-defined]
    first, _, body = source.partition("\n\n")
    return first.removeprefix("Subject:").strip(), body


def render(
    *,
    type: str,
    channel: str,
    depth: str,
    language: str,
    context: dict[str, Any],
    stored: Stored | None = None,
) -> Rendered:
    """`stored`: the admins' templates of `type` when read once for several renders."""
    subject, body = template_source(
        type=type, channel=channel, depth=depth, language=language, stored=stored
    )
    return _render(subject, body, language=language, context=context)


def _render(subject: str, body: str, *, language: str, context: dict[str, Any]) -> Rendered:
    full = {
        "company": settings.COMPANY_NAME,
        "base_url": settings.TREUE_BASE_URL,
        **context,
        "items": [_with_dates(item) for item in context.get("items", [])],
    }
    with translation.override(language):
        subject = _compiled(subject).render(Context(full))
        body = _compiled(body).render(Context(full))
    return Rendered(subject=" ".join(subject.split())[:200], body=body.strip() + "\n")


@functools.lru_cache(maxsize=256)
def _compiled(source: str) -> Template:
    """A template compiled once per process and text: a plan renders the same few texts over
    and over, and an edited text is a new key. Compiling does not depend on the language."""
    return Template(source, engine=ENGINE)


def preview(*, template: CommunicationTemplate) -> Rendered:
    """A template rendered with made-up data, for admins editing it."""
    sample_item = {
        "key": "sample",
        "line_no": 10,
        "article_number": "M-100",
        "product": "Fräszentrum FZ 100",
        "quantity": "2",
        "old_date": "2026-03-02",
        "new_date": "2026-03-09",
        "days_later": 7,
        "reason": "Lieferverzug eines Zulieferers",
    }
    context = {
        "customer": SimpleNamespace(number="K10001", name="Beispiel GmbH"),
        "contact": SimpleNamespace(first_name="Erika", last_name="Muster"),
        "order": SimpleNamespace(number="A-2026-0001", customer_reference="PO-4711"),
        "tracking_url": f"{settings.TREUE_BASE_URL}/track/A-2026-0001/…/",
        "items": [sample_item],
    }
    return _render(template.subject, template.body, language=template.language, context=context)


def _with_dates(item: dict[str, Any]) -> dict[str, Any]:
    """Items are stored as JSON; dates come back as dates so that templates format them."""
    return {
        key: datetime.date.fromisoformat(value)
        if key.endswith("_date") and isinstance(value, str)
        else value
        for key, value in item.items()
    }
