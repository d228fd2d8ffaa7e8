from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "lindung.feedback"
    label = "feedback"
