"""Browser routes of the registry. Lists, exports and units live in
urls_browse; a cadre's own pages and change requests in urls_records.
cadre/urls.py mounts them in the "personnel" namespace."""

from personnel import urls_browse, urls_records

app_name = "personnel"

urlpatterns = [*urls_browse.urlpatterns, *urls_records.urlpatterns]
