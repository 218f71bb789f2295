from . import c
from pkg.a import A
