# -*- coding: utf-8 -*-
from .a import X

Y = X + 1  # café
