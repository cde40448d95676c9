"""The class server's hub configuration (``jupyterhub -f`` this file; see helpers/classroom/hubconfig.py)."""
from helpers.classroom.hubconfig import configure

configure(get_config())  # noqa: F821 - provided by JupyterHub
