"""django-markdownx's preview and upload endpoints, for staff only.

markdownx mounts them for anyone by default; an anonymous preview endpoint is
a free Markdown renderer, and an open upload endpoint a free file host.
"""

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.utils.decorators import method_decorator
from markdownx.forms import ImageForm
from markdownx.views import ImageUploadView, MarkdownifyView
from PIL import Image

ALLOWED_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}


class RasterImageForm(ImageForm):
    """markdownx's form, checking the file's real content, not just its name.

    The declared content type comes from the browser; Pillow reads the bytes.
    """

    def clean(self):
        upload = super().clean()
        try:
            with Image.open(upload) as image:
                real_format = image.format
                image.verify()
        except Exception as exc:
            raise ValidationError(
                "The file is not a readable image. Use PNG, JPEG, GIF or WebP."
            ) from exc
        finally:
            upload.seek(0)
        if real_format not in ALLOWED_FORMATS:
            raise ValidationError("Only PNG, JPEG, GIF or WebP images are accepted.")
        return upload


@method_decorator(staff_member_required, name="dispatch")
class StaffMarkdownifyView(MarkdownifyView):
    def post(self, request, *args, **kwargs):
        if "content" not in request.POST:
            return HttpResponseBadRequest("Missing 'content'.")
        return super().post(request, *args, **kwargs)


@method_decorator(staff_member_required, name="dispatch")
class StaffImageUploadView(ImageUploadView):
    form_class = RasterImageForm
    http_method_names = ["post"]
