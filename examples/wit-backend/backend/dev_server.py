"""Development server: run with `python dev_server.py` from this folder."""
from fastapi import FastAPI

from routers import files, projects, tasks

app = FastAPI(title="W.I.T. dev server")
for module in (projects, tasks, files):
    app.include_router(module.router)

if __name__ == "__main__":
    import uvicorn

    uvicorn.run("dev_server:app", reload=True)
