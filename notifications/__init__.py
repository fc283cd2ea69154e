"""Background work and push notifications: the Celery app and what it delivers."""
