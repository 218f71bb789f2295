from app.api import accounts

handlers = [accounts.close_account]
