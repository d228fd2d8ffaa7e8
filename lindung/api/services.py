from django.db import transaction
from rest_framework.authtoken.models import Token

from lindung.accounts.models import User


@transaction.atomic
def token_issue(*, user: User, regenerate: bool = False) -> Token:
    """The user's API token, created on first use. ``regenerate`` replaces it, so a token
    that may have leaked stops working at once. Deactivating the user revokes it too:
    token authentication refuses inactive users."""
    if regenerate:
        Token.objects.filter(user=user).delete()
    token, _created = Token.objects.get_or_create(user=user)
    return token
