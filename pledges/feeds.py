from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, linebreaks

from pledges.models import Pledge


class NewSignatories(Feed):
    feed_type = Atom1Feed
    title = "Backing Lancashire: new signatories"
    link = "/signatories/"
    subtitle = "Organisations that have newly signed the Backing Lancashire pledge."

    def items(self):
        return Pledge.objects.for_public_display().order_by("-approved_at", "-pk")[:50]

    def item_title(self, pledge):
        return pledge.name

    def item_description(self, pledge):
        # The summary is HTML (type="html"), which a reader unescapes once: escape it
        # here too, so a statement can never become markup there.
        return linebreaks(escape(pledge.statement or pledge.wording))

    def item_pubdate(self, pledge):
        return pledge.approved_at

    def item_updateddate(self, pledge):
        return pledge.approved_at
