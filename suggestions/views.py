from django.conf import settings
from django.core import signing
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from articles.discovery.similar import similar_articles
from whatanswers.web.ratelimit import allow, client_hash

from .forms import SuggestionForm
from .models import Suggestion

THANKS_SALT = "whatanswers.suggestions.thanks"


def suggest(request):
    form = SuggestionForm(
        request.POST or None, initial={"question": request.GET.get("q", "")[:200]}
    )
    if request.method == "POST":
        if form.looks_automated():
            return redirect("suggestions:thanks")  # no hint for bots
        if form.is_valid():
            if not allow(
                "suggest",
                request,
                settings.SUGGEST_RATE_LIMIT,
                settings.SUGGEST_RATE_WINDOW,
            ):
                return render(request, "suggestions/rate_limited.html", status=429)
            suggestion, _answer = Suggestion.objects.submit(
                form.cleaned_data["question"],
                email=form.cleaned_data["email"],
                client_hash=client_hash(request),
            )
            ref = signing.dumps(suggestion.pk, salt=THANKS_SALT)
            return redirect(f"{reverse('suggestions:thanks')}?ref={ref}")
    question = form["question"].value() or ""
    context = {"form": form, "matches": []}
    if question:
        # The same look-up as /suggest/similar/, so the same limit: a
        # prefilled ?q= must not be a way round it.
        if not _may_look_up(request):
            # The form is kept, filled in; only the matches wait.
            context["rate_limited"] = True
            return _too_many_look_ups(
                render(request, "suggestions/suggestion_form.html", context, status=429)
            )
        context["matches"] = similar_articles(question)
    return render(request, "suggestions/suggestion_form.html", context)


def _may_look_up(request):
    return allow("similar", request, settings.SIMILAR_RATE_LIMIT, 60)


def _too_many_look_ups(response):
    response["Retry-After"] = "60"
    return response


def thanks(request):
    suggestion = None
    try:
        pk = signing.loads(request.GET.get("ref", ""), salt=THANKS_SALT, max_age=3600)
        suggestion = Suggestion.objects.select_related("duplicate_of_article").get(
            pk=pk
        )
    except (signing.BadSignature, Suggestion.DoesNotExist):
        pass
    answer = suggestion and suggestion.duplicate_of_article
    return render(
        request,
        "suggestions/thanks.html",
        {
            "suggestion": suggestion,
            "answer": answer,
            "similar": similar_articles(suggestion.question) if suggestion else [],
        },
    )


@require_GET
def similar(request):
    """ "Already answered?" matches for the suggest form, as an HTML fragment."""
    if not _may_look_up(request):
        return _too_many_look_ups(
            render(request, "suggestions/suggestion_form.html#rate-limited", status=429)
        )
    query = request.GET.get("q", "")[:200]
    matches = similar_articles(query) if len(query.strip()) >= 3 else []
    return render(
        request, "suggestions/suggestion_form.html#matches", {"matches": matches}
    )
