"""Linking ads into the operations behind them.

* :mod:`~tipwatch.engine.link.templates`: near-duplicate texts (MinHash LSH over masked
  shingles) grouped into templates, each described by its constant text and varying slots.
* :mod:`~tipwatch.engine.link.images`: perceptual hashes (PDQ) of ad images, a content-addressed
  image store, and a multi-index-hashing index for near matches within a Hamming radius.
* :mod:`~tipwatch.engine.link.graph`: the entity graph; ads linked through shared phones,
  emails, handles, payment ids, images and templates, with a hub guard; groups are operations.
"""

from tipwatch.engine.link.graph import EntityGraph, entity_keys, operation_id
from tipwatch.engine.link.images import (
    ContentStore,
    ImageHash,
    ImageIndex,
    hamming,
    image_hashes,
)
from tipwatch.engine.link.templates import Slot, Template, TemplateIndex, masked_tokens

__all__ = [
    "ContentStore",
    "EntityGraph",
    "ImageHash",
    "ImageIndex",
    "Slot",
    "Template",
    "TemplateIndex",
    "entity_keys",
    "hamming",
    "image_hashes",
    "masked_tokens",
    "operation_id",
]
