from app.routers import accounts, profiles

routers = [accounts.router, profiles.router]
