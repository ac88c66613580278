"""Remove a member of staff's authenticator app and recovery codes (a lost phone, say).

Their next sign-in sets up a new app; sessions verified with the old one end at once.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from backing_lancashire.staff import forget_devices


class Command(BaseCommand):
    help = "Remove a staff user's authenticator app and recovery codes, to set up anew."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"No user is called {username}.") from None
        removed = forget_devices(user)
        self.stdout.write(
            f"Removed {removed} device{'s'[: removed != 1]} of {username}: "
            "the next sign-in sets up a new authenticator app."
        )
