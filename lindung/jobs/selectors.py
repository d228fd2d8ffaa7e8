from typing import Any

from lindung.core.scoping import get_scoped_or_404

from .models import Job


def job_get_for_user(user: Any, pk: int) -> Job:
    """A job is its creator's (admins see all): its result may hold participants' data."""
    return get_scoped_or_404(user, Job.objects.all(), pk=pk)
