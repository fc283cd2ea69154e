"""Files people upload (documents for applications): kept outside the database, in a folder or
an S3-compatible bucket, with their checksum; the database holds what they are and who sent them."""

from datetime import timedelta

from backend.domains import Domain, Periodic

DOMAIN = Domain(
    name="files",
    models=("backend.files.models",),
    tasks=("backend.files.tasks",),
    periodic={
        "purge-unattached-files": Periodic("files.purge_unattached", timedelta(hours=6)),
    },
    catalogue="files",
)
