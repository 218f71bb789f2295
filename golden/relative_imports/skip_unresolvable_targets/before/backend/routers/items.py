from ..services.missing import thing
from ..logging.setup import configure
from ...outside import x
