"""The models; app.db.base imports them all for alembic."""
