from . import c
from ..a import A
