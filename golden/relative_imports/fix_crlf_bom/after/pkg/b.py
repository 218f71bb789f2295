# -*- coding: utf-8 -*-
from pkg.a import X

Y = X + 1  # café
