"""Models: import each module where it is needed; app.db.base imports them all for alembic."""
