from django import template

from pledges.models import Pledge, ProposedChange, Report

register = template.Library()


@register.filter
def minutes(duration):
    return int(duration.total_seconds() // 60)


@register.simple_tag
def pending_count():
    return Pledge.objects.filter(status=Pledge.Status.PENDING).count()


@register.simple_tag
def open_changes_count():
    return ProposedChange.objects.filter(status=ProposedChange.Status.OPEN).count()


@register.simple_tag
def open_reports_count():
    return Report.objects.filter(status=Report.Status.OPEN).count()
