from app.schemas import Deployment


def deploy(name: str, environment: str) -> Deployment:
    deployment = Deployment(name=name, environment=environment)
    print(f"deploying {deployment.name}")
    return deployment


def same_model(a: Deployment, b: Deployment) -> bool:
    return a.name == b.name and a.version == b.version
