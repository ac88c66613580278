from django.contrib.syndication.views import Feed
from django.templatetags.static import static
from django.utils.feedgenerator import Atom1Feed, Stylesheet
from django.utils.html import escape, linebreaks
from django.utils.xmlutils import SimplerXMLGenerator

from pledges.models import Pledge


class StyledAtom1Feed(Atom1Feed):
    """Atom with its stylesheets, which Django writes only into RSS.

    A browser that opens the feed then shows a readable list, not a tree of XML. The
    stylesheet is CSS, not XSLT: browsers are dropping XSLT, every one applies CSS to XML.
    Served as application/xml, which feed readers take as readily: Chromium shows
    application/atom+xml as plain text and would never apply the stylesheet.
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


class NewSignatories(Feed):
    feed_type = StyledAtom1Feed
    title = "Backing Lancashire: new signatories"
    link = "/signatories/"
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
