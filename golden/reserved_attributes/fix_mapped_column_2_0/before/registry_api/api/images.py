from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter
from sqlalchemy import select

from registry_api import models

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

router = APIRouter(prefix="/images")


async def labelled(session: AsyncSession, label: str) -> list[str]:
    query = select(models.Image).where(models.Image.metadata["label"].as_string() == label)
    return [image.name for image in (await session.scalars(query)).all()]


async def registries(session: AsyncSession) -> list[str | None]:
    images = await session.scalars(select(models.Image).order_by(models.Image.registry))
    return [image.registry for image in images]


async def first_labels(session: AsyncSession) -> dict:
    image = await session.scalar(select(models.Image).limit(1))
    return image.metadata if image else {}


async def register(session: AsyncSession, name: str, url: str) -> models.Image:
    image = models.Image(name=name, registry=url, metadata={"source": "api"})
    session.add(image)
    return image
