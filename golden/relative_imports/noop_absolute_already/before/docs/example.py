TEXT = """
from .models import User   # inside a string: not an import
"""
