from .helpers import helper

def oops(:
    pass
