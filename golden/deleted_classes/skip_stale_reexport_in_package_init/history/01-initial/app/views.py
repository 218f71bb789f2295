from app import SQLA

DB = SQLA()
