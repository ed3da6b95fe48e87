"""The handlers, one module per page family (as datasette's ``views/``): each renders HTML
or JSON (``/search`` and ``/search.json``) from the same function. Shared helpers live in
:mod:`sucai.web.views.base`; the route table is in :mod:`sucai.web.app`."""
