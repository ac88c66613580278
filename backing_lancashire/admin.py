"""Site-wide admin rules for other apps' models."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django_tasks_db.models import DBTaskResult

# Sign-in records name people and addresses; queued mail names pledges and staff
# addresses. Moderators need neither, and a permission granted by mistake must not show
# them: only superusers see these.
SUPERUSERS_ONLY = [AccessAttempt, AccessLog, AccessFailureLog, DBTaskResult]


class SuperusersOnly:
    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, *args, **kwargs):
        return request.user.is_superuser and super().has_view_permission(request, *args, **kwargs)

    def has_add_permission(self, request, *args, **kwargs):
        return request.user.is_superuser and super().has_add_permission(request, *args, **kwargs)

    def has_change_permission(self, request, *args, **kwargs):
        return request.user.is_superuser and super().has_change_permission(request, *args, **kwargs)

    def has_delete_permission(self, request, *args, **kwargs):
        return request.user.is_superuser and super().has_delete_permission(request, *args, **kwargs)


# Each app registers its own admin first (INSTALLED_APPS puts them before this one).
for model in SUPERUSERS_ONLY:
    if admin.site.is_registered(model):
        kept = type(admin.site.get_model_admin(model))
        admin.site.unregister(model)
        admin.site.register(model, type(kept.__name__, (SuperusersOnly, kept), {}))
