"""The claims app's event subscribers (registered from ClaimsConfig.ready)."""


def register() -> None:
    return None
