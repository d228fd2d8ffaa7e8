from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "lindung.regions"
    label = "regions"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import cached
        from .models import Region

        for signal in (post_save, post_delete):
            signal.connect(
                lambda **kwargs: cached.forget(), sender=Region, weak=False, dispatch_uid=f"regions-{signal}"
            )
