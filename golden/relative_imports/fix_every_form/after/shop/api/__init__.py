from shop.api.views import (
    OrderView as OrderView,
)  # noqa: F401
