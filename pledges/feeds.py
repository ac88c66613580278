from django.contrib.syndication.views import Feed
from django.templatetags.static import static
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.feedgenerator import Atom1Feed, Stylesheet
from django.utils.html import escape, linebreaks
from django.utils.xmlutils import SimplerXMLGenerator

from pledges.models import Pledge

XHTML = "http://www.w3.org/1999/xhtml"


def listed_on(moment):
    """A date as people write it, "30 November 2026", in the site's own time zone."""
    return format_date(timezone.localtime(moment), "j F Y")


class StyledAtom1Feed(Atom1Feed):
    """Atom with its stylesheets, which Django writes only into RSS.

    A browser that opens the feed then shows a readable list, not a tree of XML. The
    stylesheet is CSS, not XSLT: browsers are dropping XSLT, every one applies CSS to XML.
    Served as application/xml, which feed readers take as readily: Chromium shows
    application/atom+xml as plain text and would never apply the stylesheet.

    CSS can neither make a link nor reword a date, so the feed also carries a little
    XHTML for the browser's view: an introduction linking to the wall, and for each
    entry its name as a link to its page and the date it was listed in words. Atom
    allows elements of other namespaces here (RFC 4287, section 6) and feed readers
    ignore them; the stylesheet hides the Atom elements they stand in for.
    """

    content_type = "application/xml; charset=utf-8"

    def write(self, outfile, encoding):
        handler = SimplerXMLGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        for stylesheet in self.feed["stylesheets"] or []:
            handler.processingInstruction("xml-stylesheet", str(stylesheet))
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:h": XHTML}

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        handler.startElement("h:p", {"class": "intro"})
        handler.characters(
            "This is a news feed of the organisations that have newly signed the "
            "Backing Lancashire pledge. To follow it, copy this page's address into a "
            "feed reader. The same list is on "
        )
        handler.addQuickElement(
            "h:a", "the signatory wall", {"href": self.feed["link"] + "?sort=newest"}
        )
        handler.characters(", sorted by newest.")
        handler.endElement("h:p")

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.startElement("h:h2", {"class": "name"})
        handler.addQuickElement("h:a", item["title"], {"href": item["link"]})
        handler.endElement("h:h2")
        handler.startElement("h:p", {"class": "listed"})
        handler.characters("Listed ")
        handler.addQuickElement("h:time", item["listed"], {"datetime": item["listed_iso"]})
        handler.endElement("h:p")


class NewSignatories(Feed):
    feed_type = StyledAtom1Feed
    title = "Backing Lancashire: new signatories"
    link = "/signatories/"  # the wall: the introduction links to it, sorted by newest
    subtitle = "Organisations that have newly signed the Backing Lancashire pledge."

    def stylesheets(self):
        return [Stylesheet(static("css/feed.css"), mimetype="text/css")]

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

    def item_extra_kwargs(self, pledge):
        listed = timezone.localtime(pledge.approved_at).date()
        return {"listed": listed_on(pledge.approved_at), "listed_iso": listed.isoformat()}
