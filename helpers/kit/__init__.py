"""The offline images: the kit catalog, its builders, the kit archive and the course registry.

``h.kit.ensure()`` pulls or builds every image the course uses; ``h.registry.start()`` runs the
course's own loopback registry. See ``catalog.py`` for what each kit image stands for.
"""

from . import registry
from .archive import load, save
from .builders import ensure, missing, recorded, registry_answers, status
from .catalog import ALIASES, BY_NAME, CATALOG, DOCKERFILES, KitImage, hint_for, names, revision

__all__ = [
    "ALIASES", "BY_NAME", "CATALOG", "DOCKERFILES", "KitImage", "ensure", "hint_for", "load", "missing", "names",
    "recorded", "registry", "registry_answers", "revision", "save", "status",
]
