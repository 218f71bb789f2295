from app.schemas import Deployment
from app.service import deploy, same_model

# Clients keep sending and receiving model_name / model_version.
sent = Deployment.model_validate({"environment": "prod", "model_name": "ranker"})
assert same_model(sent, deploy("ranker", "prod"))
assert sent.model_dump(by_alias=True)["model_name"] == "ranker"
