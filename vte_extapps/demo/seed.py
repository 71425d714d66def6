"""The demo's database: the plugin's migrations, the CRM's tables, sample data.

Running it again changes nothing: migrations stop at head, tables that exist
are kept, and the sample data goes in only while there are no users at all.
"""

from __future__ import annotations

import datetime
import logging

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from vte_extapps import migrations

from .models import Account, Contact, DemoBase, Invoice, Lead, Role, User
from .modules import INDUSTRIES, INVOICE_STATUSES, LEAD_STATUSES
from .passwords import hash_password

log = logging.getLogger(__name__)

_START = datetime.datetime(2024, 1, 8, 9, 0)  # noqa: DTZ001 - the CRM stores UTC naive

_ACCOUNTS = [
    ("Northwind Traders", "https://northwind.example.com", 120),
    ("Contoso Pharmaceuticals", "https://contoso.example.com", 2400),
    ("Fabrikam Builders", "https://fabrikam.example.com", 310),
    ("Adventure Works Cycles", "https://adventure-works.example.com", 85),
    ("Tailspin Toys", "https://tailspin.example.com", 40),
    ("Wide World Importers", "https://wideworld.example.com", 560),
    ("Litware Learning", "https://litware.example.com", 75),
    ("Proseware Systems", "https://proseware.example.com", 18),
    ("Lucerne Publishing", "https://lucerne.example.com", 140),
    ("Margie's Travel", "https://margies-travel.example.com", 22),
    ("Coho Winery", "https://coho.example.com", 12),
    ("Graphic Design Institute", "https://gdi.example.com", 60),
]
_FIRST_NAMES = [
    "Ada", "Ben", "Chloe", "Dmitri", "Elena", "Farid", "Grace", "Hiro",
    "Ines", "Jonas", "Kemal", "Lena", "Mateo", "Nora", "Oscar", "Priya",
    "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera", "Wes", "Yara",
]  # fmt: skip
_LAST_NAMES = [
    "Andersen", "Brooks", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia",
    "Hoffmann", "Ivanova", "Jensen", "Kowalski", "Larsen", "Moreau", "Novak",
    "Olsen", "Petrov", "Quist", "Rossi", "Schmidt", "Tanaka", "Ueda",
    "Varga", "Weber", "Yilmaz",
]  # fmt: skip
_INVOICE_SUBJECTS = [
    "Annual support contract",
    "Consulting, first phase",
    "Hardware delivery",
    "Licence renewal",
    "Training days",
    "Installation and set-up",
]


def setup_database(bind: Engine | Connection) -> None:
    """Apply the plugin's migrations, create the CRM's tables, seed them once.

    Given an engine, this commits; given a connection, the caller does.
    """
    if isinstance(bind, Engine):
        with bind.begin() as connection:
            _setup(connection)
    else:
        _setup(bind)


def _setup(connection: Connection) -> None:
    # The plugin's tables, under its own Alembic version table.
    migrations.upgrade(connection)

    # The CRM's tables, which only the demo owns.
    DemoBase.metadata.create_all(connection)

    # Sample data, unless someone already uses this database.
    with Session(bind=connection) as session:
        if session.scalar(select(func.count()).select_from(User)):
            return
        seed(session)
        session.commit()
    log.info("demo database seeded")


def seed(session: Session) -> None:
    """Three users who can sign in, one who cannot, and records for all of them."""
    admin = _user("admin", "Administrator", Role.ADMIN)
    alice = _user("alice", "Alice Martin", Role.SALES)
    bob = _user("bob", "Bob Nguyen", Role.SALES)
    carol = _user("carol", "Carol Diaz", Role.SALES, active=False)
    session.add_all([admin, alice, bob, carol])
    session.flush()
    # Records go round: alice, bob, admin, alice, ...
    owners = [alice.id, bob.id, admin.id]

    accounts = [
        Account(
            accountname=name,
            industry=INDUSTRIES[i % len(INDUSTRIES)],
            website=website,
            employees=employees,
            **_stamps(i, owners),
        )
        for i, (name, website, employees) in enumerate(_ACCOUNTS)
    ]
    session.add_all(accounts)
    session.flush()

    for i in range(18):
        first, last = _FIRST_NAMES[i], _LAST_NAMES[(i * 5) % len(_LAST_NAMES)]
        account = accounts[i % len(accounts)]
        session.add(
            Contact(
                firstname=first,
                lastname=last,
                email=f"{first}.{last}@{_domain(account)}".lower(),
                phone=f"+1 555 01{i:02d}",
                account_id=account.id,
                **_stamps(i, owners),
            )
        )

    for i in range(24):
        first, last = _FIRST_NAMES[-1 - i], _LAST_NAMES[(i * 7) % len(_LAST_NAMES)]
        session.add(
            Lead(
                firstname=first,
                lastname=last,
                company=f"{last} & Partners",
                email=f"{first}@{last}.example.org".lower(),
                leadstatus=LEAD_STATUSES[i % len(LEAD_STATUSES)],
                annualrevenue=float(50_000 * (1 + i % 8)),
                **_stamps(i, owners),
            )
        )

    for i in range(30):
        account = accounts[(i * 7) % len(accounts)]
        subject = _INVOICE_SUBJECTS[i % len(_INVOICE_SUBJECTS)]
        session.add(
            Invoice(
                subject=f"{subject}, {account.accountname}",
                invoice_no=f"INV{i + 1:04d}",
                invoicestatus=INVOICE_STATUSES[i % len(INVOICE_STATUSES)],
                invoicedate=_START.date() + datetime.timedelta(days=11 * i),
                total=round(480 + (i * 733) % 9000 + 0.25 * (i % 4), 2),
                account_id=account.id,
                **_stamps(i, owners),
            )
        )
    session.flush()


def _user(username: str, name: str, role: Role, *, active: bool = True) -> User:
    return User(
        username=username,
        display_name=name,
        email=f"{username}@crm.example.com",
        password_hash=hash_password(username),
        role=role,
        active=active,
    )


def _stamps(i: int, owners: list[int]) -> dict[str, object]:
    created = _START + datetime.timedelta(days=i, hours=i % 7)
    return {
        "assigned_user_id": owners[i % len(owners)],
        "createdtime": created,
        "modifiedtime": created + datetime.timedelta(hours=2),
    }


def _domain(account: Account) -> str:
    return (account.website or "https://example.com").removeprefix("https://")
