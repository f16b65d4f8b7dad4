"""WSGI entry point: ``gunicorn tipwatch.web.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipwatch.web.settings")
application = get_wsgi_application()
