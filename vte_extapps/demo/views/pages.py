"""The home page, a module's records, and one record."""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPNotFound
from pyramid.request import Request
from pyramid.view import view_config

from ..menu import MenuArea, links_for
from ..modules import MODULES
from ..records import list_visible, load_record
from ..resources import ADMIN, VIEW, ModuleContext, RecordContext

# Records a page lists at most; the web services' query goes further.
PAGE_SIZE = 100
RECENT = 5


@view_config(
    route_name="home",
    permission=VIEW,
    renderer="vte_extapps.demo:templates/home.jinja2",
)
def home(request: Request) -> dict[str, Any]:
    modules = []
    for module in MODULES:
        context = ModuleContext(module)
        if request.has_permission(VIEW, context):
            recent = list_visible(request, context, RECENT)
            modules.append((module, recent))
    is_admin = bool(request.has_permission(ADMIN, request.root))
    return {
        "modules": modules,
        "settings_links": links_for(request, MenuArea.SETTINGS) if is_admin else None,
        "preference_links": links_for(request, MenuArea.PREFERENCES),
    }


@view_config(
    route_name="module",
    context=ModuleContext,
    permission=VIEW,
    renderer="vte_extapps.demo:templates/module.jinja2",
)
def module_records(context: ModuleContext, request: Request) -> dict[str, Any]:
    return {
        "module": context.module,
        "records": list_visible(request, context, PAGE_SIZE),
    }


@view_config(
    route_name="record",
    context=RecordContext,
    permission=VIEW,
    renderer="vte_extapps.demo:templates/record.jinja2",
)
def record_page(context: RecordContext, request: Request) -> dict[str, Any]:
    record = None
    if context.record_id is not None:
        record = load_record(request.dbsession, context.module, context.record_id)
    if record is None:
        raise HTTPNotFound()
    return {
        "module": context.module,
        "record": record,
        "values": context.module.record_to_wire(record),
    }
