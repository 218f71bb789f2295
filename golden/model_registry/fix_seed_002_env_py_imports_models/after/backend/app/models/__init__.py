"""SQLAlchemy models; import each module where its tables are needed."""
