from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make run` (`load_demo`, `print_demo_logins`). The top layer: it may
    use every app, and no app uses it."""

    name = "lindung.demo"
    label = "demo"
