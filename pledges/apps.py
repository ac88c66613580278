from django.apps import AppConfig


class PledgesConfig(AppConfig):
    name = "pledges"
    verbose_name = "Pledges"

    def ready(self):
        from backing_lancashire import onspd

        onspd.loaded.connect(relocate_all, dispatch_uid="pledges.relocate_all")


def relocate_all(sender, **kwargs):
    """The postcode directory was loaded again: every pledge is placed again by it."""
    from pledges.models import Pledge, relocate

    relocate(Pledge.objects.all())
