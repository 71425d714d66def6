"""initial tables

Revision ID: 0001
Revises:
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

import vte_extapps.models.meta

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "vte_extapps_application",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "client_type",
            sa.Enum(
                "service",
                "web",
                "mobile",
                name="client_type",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column(
            "auth_method",
            sa.Enum(
                "secret",
                "jwt",
                "none",
                name="auth_method",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "deactivated",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("run_as_user_id", sa.String(length=64), nullable=True),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("redirect_uris", sa.JSON(), nullable=False),
        sa.Column("offline_access", sa.Boolean(), nullable=False),
        sa.Column("jwt_algorithms", sa.JSON(), nullable=True),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("homepage_url", sa.String(length=2000), nullable=False),
        sa.Column("privacy_policy_url", sa.String(length=2000), nullable=False),
        sa.Column("terms_url", sa.String(length=2000), nullable=False),
        sa.Column("access_token_lifetime", sa.Integer(), nullable=True),
        sa.Column("refresh_token_idle_lifetime", sa.Integer(), nullable=True),
        sa.Column("refresh_token_absolute_lifetime", sa.Integer(), nullable=True),
        sa.Column("created_at", vte_extapps.models.meta.UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("updated_at", vte_extapps.models.meta.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("last_used_at", vte_extapps.models.meta.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vte_extapps_application")),
        sa.UniqueConstraint(
            "client_id", name=op.f("uq_vte_extapps_application_client_id")
        ),
    )
    op.create_table(
        "vte_extapps_client_auth_failure",
        sa.Column("client_id", sa.String(length=255), nullable=False),
        sa.Column(
            "window_started_at", vte_extapps.models.meta.UTCDateTime(), nullable=False
        ),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "client_id", name=op.f("pk_vte_extapps_client_auth_failure")
        ),
    )
    op.create_table(
        "vte_extapps_configuration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("server_enabled", sa.Boolean(), nullable=False),
        sa.Column("access_token_lifetime", sa.Integer(), nullable=False),
        sa.Column("refresh_token_idle_lifetime", sa.Integer(), nullable=False),
        sa.Column("refresh_token_absolute_lifetime", sa.Integer(), nullable=False),
        sa.Column("authorization_code_lifetime", sa.Integer(), nullable=False),
        sa.Column("jwt_algorithms", sa.JSON(), nullable=False),
        sa.Column("updated_at", vte_extapps.models.meta.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vte_extapps_configuration")),
    )
    op.create_table(
        "vte_extapps_application_logo",
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column(
            "data",
            sa.LargeBinary().with_variant(mysql.MEDIUMBLOB(), "mysql", "mariadb"),
            nullable=False,
        ),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["vte_extapps_application.id"],
            name=op.f("fk_vte_extapps_application_logo_application_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "application_id", name=op.f("pk_vte_extapps_application_logo")
        ),
    )
    op.create_table(
        "vte_extapps_audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", vte_extapps.models.meta.UTCDateTime(), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("client_id", sa.String(length=64), nullable=True),
        sa.Column("actor_user_id", sa.String(length=64), nullable=True),
        sa.Column("subject_user_id", sa.String(length=64), nullable=True),
        sa.Column("remote_addr", sa.String(length=64), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["vte_extapps_application.id"],
            name=op.f("fk_vte_extapps_audit_event_application_id"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vte_extapps_audit_event")),
    )
    with op.batch_alter_table("vte_extapps_audit_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vte_extapps_audit_event_application_id"),
            ["application_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_vte_extapps_audit_event_occurred_at"),
            ["occurred_at"],
            unique=False,
        )

    op.create_table(
        "vte_extapps_client_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("kid", sa.String(length=128), nullable=False),
        sa.Column("algorithm", sa.String(length=16), nullable=False),
        sa.Column("public_jwk", sa.JSON(), nullable=False),
        sa.Column("thumbprint", sa.String(length=64), nullable=False),
        sa.Column("created_at", vte_extapps.models.meta.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["vte_extapps_application.id"],
            name=op.f("fk_vte_extapps_client_key_application_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vte_extapps_client_key")),
        sa.UniqueConstraint(
            "application_id",
            "kid",
            name=op.f("uq_vte_extapps_client_key_application_id_kid"),
        ),
        sa.UniqueConstraint(
            "application_id",
            "thumbprint",
            name=op.f("uq_vte_extapps_client_key_application_id_thumbprint"),
        ),
    )
    op.create_table(
        "vte_extapps_client_secret",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", vte_extapps.models.meta.UTCDateTime(), nullable=False),
        sa.Column("expires_at", vte_extapps.models.meta.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["vte_extapps_application.id"],
            name=op.f("fk_vte_extapps_client_secret_application_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vte_extapps_client_secret")),
    )
    with op.batch_alter_table("vte_extapps_client_secret", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vte_extapps_client_secret_application_id"),
            ["application_id"],
            unique=False,
        )

    op.create_table(
        "vte_extapps_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("offline_access", sa.Boolean(), nullable=False),
        sa.Column("created_at", vte_extapps.models.meta.UTCDateTime(), nullable=False),
        sa.Column("updated_at", vte_extapps.models.meta.UTCDateTime(), nullable=False),
        sa.Column("last_used_at", vte_extapps.models.meta.UTCDateTime(), nullable=True),
        sa.Column("revoked_at", vte_extapps.models.meta.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["vte_extapps_application.id"],
            name=op.f("fk_vte_extapps_grant_application_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vte_extapps_grant")),
        sa.UniqueConstraint(
            "application_id",
            "user_id",
            name=op.f("uq_vte_extapps_grant_application_id_user_id"),
        ),
    )
    with op.batch_alter_table("vte_extapps_grant", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vte_extapps_grant_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "vte_extapps_used_assertion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("jti_digest", sa.String(length=64), nullable=False),
        sa.Column("expires_at", vte_extapps.models.meta.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["vte_extapps_application.id"],
            name=op.f("fk_vte_extapps_used_assertion_application_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vte_extapps_used_assertion")),
        sa.UniqueConstraint(
            "application_id",
            "jti_digest",
            name=op.f("uq_vte_extapps_used_assertion_application_id_jti_digest"),
        ),
    )
    with op.batch_alter_table("vte_extapps_used_assertion", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vte_extapps_used_assertion_expires_at"),
            ["expires_at"],
            unique=False,
        )

    op.create_table(
        "vte_extapps_authorization_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("grant_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("redirect_uri", sa.String(length=2000), nullable=False),
        sa.Column("code_challenge", sa.String(length=128), nullable=False),
        sa.Column("code_challenge_method", sa.String(length=8), nullable=False),
        sa.Column("issued_at", vte_extapps.models.meta.UTCDateTime(), nullable=False),
        sa.Column("expires_at", vte_extapps.models.meta.UTCDateTime(), nullable=False),
        sa.Column("redeemed_at", vte_extapps.models.meta.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["vte_extapps_application.id"],
            name=op.f("fk_vte_extapps_authorization_code_application_id"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["grant_id"],
            ["vte_extapps_grant.id"],
            name=op.f("fk_vte_extapps_authorization_code_grant_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vte_extapps_authorization_code")),
        sa.UniqueConstraint(
            "digest", name=op.f("uq_vte_extapps_authorization_code_digest")
        ),
    )
    with op.batch_alter_table(
        "vte_extapps_authorization_code", schema=None
    ) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vte_extapps_authorization_code_application_id"),
            ["application_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_vte_extapps_authorization_code_expires_at"),
            ["expires_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_vte_extapps_authorization_code_grant_id"),
            ["grant_id"],
            unique=False,
        )

    op.create_table(
        "vte_extapps_refresh_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("grant_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("authorization_code_id", sa.Integer(), nullable=True),
        sa.Column("issued_at", vte_extapps.models.meta.UTCDateTime(), nullable=False),
        sa.Column("expires_at", vte_extapps.models.meta.UTCDateTime(), nullable=False),
        sa.Column(
            "idle_expires_at", vte_extapps.models.meta.UTCDateTime(), nullable=False
        ),
        sa.Column("rotated_at", vte_extapps.models.meta.UTCDateTime(), nullable=True),
        sa.Column("revoked_at", vte_extapps.models.meta.UTCDateTime(), nullable=True),
        sa.Column("last_used_at", vte_extapps.models.meta.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["vte_extapps_application.id"],
            name=op.f("fk_vte_extapps_refresh_token_application_id"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["authorization_code_id"],
            ["vte_extapps_authorization_code.id"],
            name=op.f("fk_vte_extapps_refresh_token_authorization_code_id"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["grant_id"],
            ["vte_extapps_grant.id"],
            name=op.f("fk_vte_extapps_refresh_token_grant_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vte_extapps_refresh_token")),
        sa.UniqueConstraint("digest", name=op.f("uq_vte_extapps_refresh_token_digest")),
    )
    with op.batch_alter_table("vte_extapps_refresh_token", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vte_extapps_refresh_token_application_id"),
            ["application_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_vte_extapps_refresh_token_authorization_code_id"),
            ["authorization_code_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_vte_extapps_refresh_token_expires_at"),
            ["expires_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_vte_extapps_refresh_token_grant_id"),
            ["grant_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_vte_extapps_refresh_token_user_id"),
            ["user_id"],
            unique=False,
        )

    op.create_table(
        "vte_extapps_access_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("grant_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.String(length=64), nullable=True),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("grant_type", sa.String(length=32), nullable=False),
        sa.Column("refresh_token_id", sa.Integer(), nullable=True),
        sa.Column("authorization_code_id", sa.Integer(), nullable=True),
        sa.Column("issued_at", vte_extapps.models.meta.UTCDateTime(), nullable=False),
        sa.Column("expires_at", vte_extapps.models.meta.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", vte_extapps.models.meta.UTCDateTime(), nullable=True),
        sa.Column("last_used_at", vte_extapps.models.meta.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["vte_extapps_application.id"],
            name=op.f("fk_vte_extapps_access_token_application_id"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["authorization_code_id"],
            ["vte_extapps_authorization_code.id"],
            name=op.f("fk_vte_extapps_access_token_authorization_code_id"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["grant_id"],
            ["vte_extapps_grant.id"],
            name=op.f("fk_vte_extapps_access_token_grant_id"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["refresh_token_id"],
            ["vte_extapps_refresh_token.id"],
            name=op.f("fk_vte_extapps_access_token_refresh_token_id"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vte_extapps_access_token")),
        sa.UniqueConstraint("digest", name=op.f("uq_vte_extapps_access_token_digest")),
    )
    with op.batch_alter_table("vte_extapps_access_token", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vte_extapps_access_token_application_id"),
            ["application_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_vte_extapps_access_token_authorization_code_id"),
            ["authorization_code_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_vte_extapps_access_token_expires_at"),
            ["expires_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_vte_extapps_access_token_grant_id"),
            ["grant_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_vte_extapps_access_token_refresh_token_id"),
            ["refresh_token_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_vte_extapps_access_token_user_id"), ["user_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("vte_extapps_access_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vte_extapps_access_token_user_id"))
        batch_op.drop_index(batch_op.f("ix_vte_extapps_access_token_refresh_token_id"))
        batch_op.drop_index(batch_op.f("ix_vte_extapps_access_token_grant_id"))
        batch_op.drop_index(batch_op.f("ix_vte_extapps_access_token_expires_at"))
        batch_op.drop_index(
            batch_op.f("ix_vte_extapps_access_token_authorization_code_id")
        )
        batch_op.drop_index(batch_op.f("ix_vte_extapps_access_token_application_id"))

    op.drop_table("vte_extapps_access_token")
    with op.batch_alter_table("vte_extapps_refresh_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vte_extapps_refresh_token_user_id"))
        batch_op.drop_index(batch_op.f("ix_vte_extapps_refresh_token_grant_id"))
        batch_op.drop_index(batch_op.f("ix_vte_extapps_refresh_token_expires_at"))
        batch_op.drop_index(
            batch_op.f("ix_vte_extapps_refresh_token_authorization_code_id")
        )
        batch_op.drop_index(batch_op.f("ix_vte_extapps_refresh_token_application_id"))

    op.drop_table("vte_extapps_refresh_token")
    with op.batch_alter_table(
        "vte_extapps_authorization_code", schema=None
    ) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vte_extapps_authorization_code_grant_id"))
        batch_op.drop_index(batch_op.f("ix_vte_extapps_authorization_code_expires_at"))
        batch_op.drop_index(
            batch_op.f("ix_vte_extapps_authorization_code_application_id")
        )

    op.drop_table("vte_extapps_authorization_code")
    with op.batch_alter_table("vte_extapps_used_assertion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vte_extapps_used_assertion_expires_at"))

    op.drop_table("vte_extapps_used_assertion")
    with op.batch_alter_table("vte_extapps_grant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vte_extapps_grant_user_id"))

    op.drop_table("vte_extapps_grant")
    with op.batch_alter_table("vte_extapps_client_secret", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vte_extapps_client_secret_application_id"))

    op.drop_table("vte_extapps_client_secret")
    op.drop_table("vte_extapps_client_key")
    with op.batch_alter_table("vte_extapps_audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vte_extapps_audit_event_occurred_at"))
        batch_op.drop_index(batch_op.f("ix_vte_extapps_audit_event_application_id"))

    op.drop_table("vte_extapps_audit_event")
    op.drop_table("vte_extapps_application_logo")
    op.drop_table("vte_extapps_configuration")
    op.drop_table("vte_extapps_client_auth_failure")
    op.drop_table("vte_extapps_application")
