"""Reading a widget the way a learner sees it: its output area, its buttons, its saved renderings."""

from __future__ import annotations


def text_of(out) -> str:
    """Everything shown in an ``ipywidgets.Output`` (stdout text and the text of rich outputs)."""
    return "".join(o.get("text") or o.get("data", {}).get("text/plain", "") for o in out.outputs)


def find_button(widget, description: str, tooltip: str | None = None):
    """The first widget in the tree with this ``description`` (and ``tooltip``, when given)."""
    stack = [widget]
    while stack:
        cur = stack.pop()
        if getattr(cur, "description", None) == description and (tooltip is None or cur.tooltip == tooltip):
            return cur
        stack.extend(getattr(cur, "children", ()))
    raise LookupError(f"no widget {description!r} (tooltip {tooltip!r})")


def assert_bundle(obj, *needles: str) -> dict:
    """The live widget view plus text and HTML fallbacks, each containing every needle."""
    bundle = obj._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    for needle in needles:
        assert needle in bundle["text/plain"], bundle["text/plain"]
        assert needle in bundle["text/html"], bundle["text/html"]
    return bundle
