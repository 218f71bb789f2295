from app.models.actions import Action

router = {"prefix": "/actions", "model": Action}
