from config.celery import app

from .services import job_run


@app.task(name="lindung.jobs.run")
def run_job_task(job_id: int) -> bool:
    # The task carries only the id: the row holds everything else.
    return job_run(job_id)
