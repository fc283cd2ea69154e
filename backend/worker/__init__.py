"""The Celery side of every domain: the app, its per-process runtime and the task base class."""
