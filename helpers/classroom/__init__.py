"""The class server: JupyterHub on one Linux machine, each learner with a server and a Docker engine of their own.

One job per file: ``places`` (where a class keeps its files), ``roster`` (who is in the class), ``learner``
(a learner's system user, network, disk, limits and rootless engine: the grading worker's parts),
``spawner`` (JupyterHub's side of it), ``hubconfig`` (the hub's configuration), ``exchange`` (nbgrader's
collect with the owner and time checks), ``warmup`` (start every learner before class), ``report`` (the class
report: per assignment and task, who passed and what was found). Run it with
``bash tools/class.sh``; see docs/class-server.md.
"""

from .roster import Roster, read_roster

__all__ = ["Roster", "read_roster"]
