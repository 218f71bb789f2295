from .views import (
    OrderView as OrderView,
)  # noqa: F401
