"""The CRM's modules: Leads, Contacts, Accounts and Invoice.

A module ties a table to the fields the web services show, and to the id
prefix its records carry on the wire (``16x3`` is Invoice number 3).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from .fields import USERS_PREFIX, Field, FieldType, format_wire_id
from .models import Account, Contact, Invoice, Lead, Record

LEAD_STATUSES = (
    "Not Contacted",
    "Contacted",
    "Qualified",
    "Hot",
    "Cold",
    "Lost Lead",
)
INDUSTRIES = (
    "Banking",
    "Construction",
    "Education",
    "Healthcare",
    "Manufacturing",
    "Retail",
    "Technology",
)
INVOICE_STATUSES = ("Created", "Approved", "Sent", "Paid", "Cancel")


@dataclasses.dataclass(frozen=True, slots=True)
class Module:
    """A kind of record the CRM keeps, as its web services describe it."""

    name: str
    label: str
    singular: str
    prefix: int
    model: type[Record]
    #: The module's own fields; ``id``, the owner and the timestamps are added.
    own_fields: dataclasses.InitVar[tuple[Field, ...]]
    #: The fields whose values, joined, name a record.
    label_fields: tuple[str, ...]
    fields: tuple[Field, ...] = dataclasses.field(init=False)

    def __post_init__(self, own_fields: tuple[Field, ...]) -> None:
        fields = (
            Field("id", "Record Id", FieldType.ID, editable=False, prefix=self.prefix),
            *own_fields,
            Field(
                "assigned_user_id",
                "Assigned To",
                FieldType.OWNER,
                mandatory=True,
                prefix=USERS_PREFIX,
                refers_to="Users",
            ),
            Field("createdtime", "Created Time", FieldType.DATETIME, editable=False),
            Field("modifiedtime", "Modified Time", FieldType.DATETIME, editable=False),
        )
        object.__setattr__(self, "fields", fields)

    @property
    def scope_prefix(self) -> str:
        """How scopes name the module: ``invoice`` in ``invoice:read``."""
        return self.name.lower()

    def field(self, name: str) -> Field | None:
        """The field called ``name``, in any letter case."""
        wanted = name.lower()
        return next((field for field in self.fields if field.name == wanted), None)

    def wire_id(self, number: int) -> str:
        return format_wire_id(self.prefix, number)

    def to_wire(
        self, values: Mapping[str, Any], fields: tuple[Field, ...] | None = None
    ) -> dict[str, Any]:
        """A record (or a row of some of its columns) as the web services send it."""
        return {
            field.name: field.to_wire(values[field.name])
            for field in (self.fields if fields is None else fields)
        }

    def record_to_wire(self, record: Record) -> dict[str, Any]:
        return {
            field.name: field.to_wire(getattr(record, field.name))
            for field in self.fields
        }

    def record_label(self, record: Record) -> str:
        parts = (getattr(record, name) for name in self.label_fields)
        return " ".join(str(part) for part in parts if part) or self.wire_id(record.id)


def _text(name: str, label: str, length: int, *, mandatory: bool = False) -> Field:
    return Field(name, label, FieldType.TEXT, mandatory=mandatory, max_length=length)


def _picklist(name: str, label: str, choices: tuple[str, ...]) -> Field:
    return Field(name, label, FieldType.PICKLIST, max_length=40, choices=choices)


def _email() -> Field:
    return Field("email", "Email", FieldType.EMAIL, max_length=100)


ACCOUNTS = Module(
    name="Accounts",
    label="Accounts",
    singular="Account",
    prefix=11,
    model=Account,
    own_fields=(
        _text("accountname", "Account Name", 100, mandatory=True),
        _picklist("industry", "Industry", INDUSTRIES),
        Field("website", "Website", FieldType.URL, max_length=200),
        Field("employees", "Employees", FieldType.INTEGER),
    ),
    label_fields=("accountname",),
)

_ACCOUNT_REFERENCE = Field(
    "account_id",
    "Account Name",
    FieldType.REFERENCE,
    prefix=ACCOUNTS.prefix,
    refers_to=ACCOUNTS.name,
)

CONTACTS = Module(
    name="Contacts",
    label="Contacts",
    singular="Contact",
    prefix=12,
    model=Contact,
    own_fields=(
        _text("firstname", "First Name", 40),
        _text("lastname", "Last Name", 80, mandatory=True),
        _email(),
        Field("phone", "Office Phone", FieldType.PHONE, max_length=30),
        _ACCOUNT_REFERENCE,
    ),
    label_fields=("firstname", "lastname"),
)

LEADS = Module(
    name="Leads",
    label="Leads",
    singular="Lead",
    prefix=10,
    model=Lead,
    own_fields=(
        _text("firstname", "First Name", 40),
        _text("lastname", "Last Name", 80, mandatory=True),
        _text("company", "Company", 100, mandatory=True),
        _email(),
        _picklist("leadstatus", "Lead Status", LEAD_STATUSES),
        Field("annualrevenue", "Annual Revenue", FieldType.CURRENCY),
    ),
    label_fields=("firstname", "lastname"),
)

INVOICE = Module(
    name="Invoice",
    label="Invoices",
    singular="Invoice",
    prefix=16,
    model=Invoice,
    own_fields=(
        _text("subject", "Subject", 100, mandatory=True),
        _text("invoice_no", "Invoice No", 30),
        _picklist("invoicestatus", "Status", INVOICE_STATUSES),
        Field("invoicedate", "Invoice Date", FieldType.DATE),
        Field("total", "Total", FieldType.CURRENCY),
        _ACCOUNT_REFERENCE,
    ),
    label_fields=("subject",),
)

#: Every module, in the order menus show them.
MODULES: tuple[Module, ...] = (LEADS, CONTACTS, ACCOUNTS, INVOICE)


def module_named(name: str) -> Module | None:
    """The module called ``name``, in any letter case, as the CRM allows."""
    wanted = name.lower()
    return next((module for module in MODULES if module.name.lower() == wanted), None)


def module_with_prefix(prefix: int) -> Module | None:
    return next((module for module in MODULES if module.prefix == prefix), None)
