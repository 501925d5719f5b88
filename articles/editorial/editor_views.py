"""django-markdownx's preview and upload endpoints, for editors only.

markdownx mounts them for anyone by default; an anonymous preview endpoint is
a free Markdown renderer, and an open upload endpoint a free file host. Here
both need the permission to change answers (editors and writers, not
moderators).

An upload is decoded and re-encoded by Pillow: what is stored is a new image
in a format Pillow wrote, with no metadata, under a random name with the
extension of that format. A file that only claims to be an image (an HTML or
JavaScript polyglot) cannot survive that, and nothing keeps the name it came
with. `serve_upload` serves them with safe headers.
"""

import posixpath
import uuid
from io import BytesIO

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponseBadRequest, JsonResponse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET
from markdownx.forms import ImageForm
from markdownx.views import ImageUploadView, MarkdownifyView
from PIL import Image, ImageOps

ALLOWED_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}
# What each accepted format is stored as: GIF becomes PNG (its first frame).
STORED_AS = {"PNG": "PNG", "JPEG": "JPEG", "GIF": "PNG", "WEBP": "WEBP"}
EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
SERVED_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}
MAX_SIDE = 2400  # pixels: larger images are scaled down
MAX_PIXELS = 40_000_000  # decompression bombs are refused before decoding

EDITORS_ONLY = [
    login_required,
    permission_required("articles.change_article", raise_exception=True),
]


class RasterImageForm(ImageForm):
    """markdownx's form, checking and re-encoding the file's real content."""

    def clean(self):
        upload = super().clean()
        try:
            with Image.open(upload) as image:
                real_format = image.format
                if image.width * image.height > MAX_PIXELS:
                    raise ValidationError(
                        "The image is too large (over 40 megapixels)."
                    )
                image.verify()
        except ValidationError:
            raise
        except Exception as exc:
            raise ValidationError(
                "The file is not a readable image. Use PNG, JPEG, GIF or WebP."
            ) from exc
        finally:
            upload.seek(0)
        if real_format not in ALLOWED_FORMATS:
            raise ValidationError("Only PNG, JPEG, GIF or WebP images are accepted.")
        self.real_format = real_format
        return upload

    def save(self, commit=True):
        """Store a re-encoded copy under a random name; return its URL."""
        upload = self.files["image"]
        stored_as = STORED_AS[self.real_format]
        with Image.open(upload) as image:
            image.seek(0)
            image = ImageOps.exif_transpose(image)  # keep the orientation, not the tag
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            if stored_as == "JPEG":
                image = image.convert("RGB")
            elif image.mode not in ("RGB", "RGBA", "L", "LA"):
                image = image.convert("RGBA")
            buffer = BytesIO()
            # No exif=, icc_profile= or pnginfo=: nothing of the original's
            # metadata is written.
            image.save(buffer, stored_as, optimize=True)
        name = posixpath.join(
            settings.MARKDOWNX_MEDIA_PATH, f"{uuid.uuid4().hex}.{EXTENSIONS[stored_as]}"
        )
        name = default_storage.save(name, ContentFile(buffer.getvalue()))
        return default_storage.url(name)


@method_decorator(EDITORS_ONLY, name="dispatch")
class StaffMarkdownifyView(MarkdownifyView):
    def post(self, request, *args, **kwargs):
        if "content" not in request.POST:
            return HttpResponseBadRequest("Missing 'content'.")
        return super().post(request, *args, **kwargs)


@method_decorator(EDITORS_ONLY, name="dispatch")
class StaffImageUploadView(ImageUploadView):
    form_class = RasterImageForm
    http_method_names = ["post"]

    def form_invalid(self, form):
        """400 with the reason, for the editor's script and for a plain form."""
        if request_wants_json(self.request):
            return JsonResponse(form.errors, status=400)
        message = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return HttpResponseBadRequest(
            message or "The upload was not an image.", content_type="text/plain"
        )

    def form_valid(self, form):
        url = form.save(commit=True)
        return JsonResponse({"image_code": f"![]({url})", "url": url})


def request_wants_json(request):
    return request.headers.get("x-requested-with") == "XMLHttpRequest" or (
        "application/json" in request.headers.get("accept", "")
    )


@require_GET
def serve_upload(request, path):
    """An uploaded image, with headers that keep it an image: the content
    type comes from our own extension, never sniffed, and a sandboxing CSP."""
    extension = posixpath.splitext(path)[1].lstrip(".").lower()
    name = posixpath.normpath(path)
    if extension not in SERVED_TYPES or name.startswith(("..", "/")):
        raise Http404("No such image.")
    full = posixpath.join(settings.MARKDOWNX_MEDIA_PATH, name)
    if not default_storage.exists(full):
        raise Http404("No such image.")
    response = FileResponse(
        default_storage.open(full), content_type=SERVED_TYPES[extension]
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
