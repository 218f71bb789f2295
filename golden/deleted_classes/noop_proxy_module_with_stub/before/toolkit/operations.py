class Operations:
    """Every public method becomes a function of a proxy module."""

    def add_column(self, table: str, column: str) -> str:
        return f"ALTER TABLE {table} ADD COLUMN {column}"

    @classmethod
    def create_module_class_proxy(cls, globals_: dict, locals_: dict) -> None:
        instance = cls()
        for name in ("add_column",):
            globals_[name] = getattr(instance, name)
