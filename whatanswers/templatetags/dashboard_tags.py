from django import template

from whatanswers import dashboard

register = template.Library()


@register.inclusion_tag("admin/dashboard.html", takes_context=True)
def editorial_dashboard(context):
    user = context["request"].user
    return {
        "d": dashboard.context(user),
        "cap": dashboard.COUNT_CAP,
        "sees_suggestions": user.has_perm("suggestions.view_suggestion"),
    }
