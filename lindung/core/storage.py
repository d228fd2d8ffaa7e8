from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage


def private_storage() -> Storage:
    """File storage outside every public URL; files are read through scoped views only.
    A callable, so settings (and tests) decide the folder at run time."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)
