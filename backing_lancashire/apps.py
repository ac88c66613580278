from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate

from backing_lancashire.logs import hide_tokens_in_server_logs


def create_cache_table(using, **kwargs):
    # Without Redis the shared cache lives in the database: make its table wherever
    # migrations run (make run, a new server, the tests' own servers). Sent once per
    # app that has models; the command does nothing once the table is there.
    call_command("createcachetable", database=using, verbosity=0)


class SiteConfig(AppConfig):
    name = "backing_lancashire"
    verbose_name = "Backing Lancashire"

    def ready(self):
        from backing_lancashire import checks  # noqa: F401 - registers the deploy checks

        hide_tokens_in_server_logs()
        post_migrate.connect(create_cache_table, dispatch_uid="create_cache_table")
