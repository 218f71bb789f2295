from toolkit import op


def upgrade() -> None:
    op.add_column("users", "email")
