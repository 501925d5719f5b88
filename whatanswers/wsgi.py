import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "whatanswers.settings")
# A web request never waits on one statement for longer (whatanswers.errors
# answers 503); commands run through manage.py have no such bound.
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "5000")

application = get_wsgi_application()
