from app.schemas import Deployment


def deploy(name: str, environment: str) -> Deployment:
    deployment = Deployment(model_name=name, environment=environment)
    print(f"deploying {deployment.model_name}")
    return deployment


def same_model(a: Deployment, b: Deployment) -> bool:
    return a.model_name == b.model_name and a.model_version == b.model_version
