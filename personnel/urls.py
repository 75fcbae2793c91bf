"""Browser routes of the registry. Lists, exports and units live in
urls_browse; a cadre's own pages and change requests in urls_records."""

from interchange import urls as interchange_urls
from personnel import urls_browse, urls_records

app_name = "personnel"

urlpatterns = [*urls_browse.urlpatterns, *urls_records.urlpatterns, *interchange_urls.urlpatterns]
