from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    """Django's admin, on the site that asks staff for a second factor (staff.py)."""

    default_site = "backing_lancashire.staff.StaffAdminSite"
