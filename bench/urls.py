from django.http import HttpResponse
from django.urls import path

from backing_lancashire.urls import urlpatterns as site


def fixed(request):
    """The least a Django view can do: the ceiling to compare real pages with."""
    return HttpResponse("ok\n", content_type="text/plain")


urlpatterns = [path("__bench__/fixed", fixed), *site]
