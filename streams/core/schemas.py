"""Core layer: JSON Schemas of the message contracts, rendered from the pydantic models."""

from __future__ import annotations

import json

from streams.core.models import MESSAGE_MODELS


def render_schemas() -> dict[str, str]:
    """File name -> JSON Schema text for every message model, stable byte for byte."""
    return {
        f"{name}.schema.json": json.dumps(
            model.model_json_schema(mode="serialization"), indent=2, sort_keys=True
        )
        + "\n"
        for name, model in MESSAGE_MODELS.items()
    }
