from .helpers import helper
