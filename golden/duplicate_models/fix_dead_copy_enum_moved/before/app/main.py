from app.routers import users

routers = [users.promote]
