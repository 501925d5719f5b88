"""The editorial workflow's rows: what django-reversion does not record about a
revision (articles.editorial.revisions), and the trash's own admin list."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.core.models import Article


class RevisionOrigin(models.Model):
    """The command or task that made a revision no user made."""

    revision = models.OneToOneField(
        "reversion.Revision", on_delete=models.CASCADE, related_name="origin"
    )
    name = models.CharField(_("made by"), max_length=100)

    class Meta:
        verbose_name = _("revision origin")
        verbose_name_plural = _("revision origins")

    def __str__(self):
        return self.name


class TrashedArticle(Article):
    """Answers in the trash, for their own admin list (articles.editorial.trash)."""

    class Meta:
        proxy = True
        verbose_name = _("answer in the trash")
        verbose_name_plural = _("trash")
