"""Widgets: small ipywidgets views over the verbs, one file each, on a shared ``base``; and ``charts``.

Each widget owns one root widget (``.widget``) with ``close()``; buttons call the same functions a
cell or a test calls, and errors show in the widget's own output area in Korean. Every widget also
renders as text and HTML, so a notebook run headless (papermill, nbgrader) keeps a readable output.
"""

from .dashboard import ContainerDashboard, container_row
from .exec_console import ExecConsole
from .lab_terminal import LabTerminalButton, lab_terminal
from .layers import LayersView
from .lifecycle import LifecycleView, lifecycle_svg
from .network_map import NetworkMap, network_map_svg, read_network_map
from .port_map import PortMapView
from .predict import Predict
from .progress import BuildProgress, PullProgress, build, pull
from .run_builder import RunBuilder
from .terminal import Terminal

__all__ = [
    "BuildProgress", "ContainerDashboard", "ExecConsole", "LabTerminalButton", "LayersView", "LifecycleView",
    "NetworkMap",
    "PortMapView", "Predict", "PullProgress", "RunBuilder", "Terminal", "build", "container_row", "lab_terminal",
    "lifecycle_svg", "network_map_svg", "pull", "read_network_map",
]
