"""Layers side by side: which layers an image added on top of another (``docker history``)."""

from __future__ import annotations

import ipywidgets as w

from ..display import html_table, human_size, quiet
from ..images import history
from .base import CourseWidget, esc


def _layer_key(layer: dict) -> tuple:
    return (layer.get("CreatedBy") or "", layer.get("Created") or 0, layer.get("Size") or 0)


def _ref_of(image) -> tuple[str, str]:
    """(what to pass to h.history, what to call it) for a name, id or Image object."""
    if isinstance(image, str):
        return image, image
    tags = getattr(image, "tags", None) or []
    return image.id, tags[0] if tags else image.short_id


class LayersView(CourseWidget):
    """Show two images' layers side by side, highlighting those only in ``after``. Introduced in chapter 05."""

    def __init__(self, before, after):
        super().__init__()
        self.before_ref, self.before_name = _ref_of(before)
        self.after_ref, self.after_name = _ref_of(after)
        self.before: list[dict] = []
        self.after: list[dict] = []
        self.new_layers: list[dict] = []
        self.view = w.HTML()
        self.widget = w.VBox([self.view, self.out])
        self.update()

    def update(self) -> list[dict]:
        """Re-read both histories and return the layers only ``after`` has (newest first)."""
        with quiet():
            self.before = [dict(layer) for layer in history(self.before_ref)]
            self.after = [dict(layer) for layer in history(self.after_ref)]
        old = {_layer_key(layer) for layer in self.before}
        self.new_layers = [layer for layer in self.after if _layer_key(layer) not in old]
        self.view.value = self.html()
        return self.new_layers

    @staticmethod
    def _row(layer: dict) -> list[str]:
        created_by = (layer.get("CreatedBy") or "").replace("/bin/sh -c #(nop) ", "").strip()
        if len(created_by) > 60:
            created_by = created_by[:59] + "…"
        return [(layer.get("Id") or "<missing>").replace("sha256:", "")[:12], created_by,
                human_size(layer.get("Size") or 0)]

    def _summary(self) -> str:
        added = sum(layer.get("Size") or 0 for layer in self.new_layers)
        return (f"{self.after_name}에만 있는 레이어: {len(self.new_layers)}개 ({human_size(added)}) — "
                f"나머지 {len(self.after) - len(self.new_layers)}개는 {self.before_name}과(와) 같습니다")

    def text(self) -> str:
        lines = [f"레이어 비교: {self.before_name} → {self.after_name}", self._summary()]
        new = {_layer_key(layer) for layer in self.new_layers}
        for title, layers in ((self.before_name, self.before), (self.after_name, self.after)):
            lines.append(f"[{title}] 레이어 {len(layers)}개 (위가 최신)")
            for layer in layers:
                mark = "+" if title == self.after_name and _layer_key(layer) in new else " "
                lines.append(f" {mark} " + "  ".join(self._row(layer)))
        return "\n".join(lines)

    def html(self) -> str:
        new = {_layer_key(layer) for layer in self.new_layers}
        cols = ["레이어 ID", "만든 명령", "크기"]

        def side(title, layers, mark):
            rows, styles = [], []
            for layer in layers:
                is_new = mark and _layer_key(layer) in new
                cells = [esc(c) for c in self._row(layer)]
                if is_new:
                    cells[1] = '<b style="color:#2e7d32">새 레이어</b> ' + cells[1]
                rows.append(cells)
                styles.append("background:#e8f5e9" if is_new else "")
            return f'<div style="flex:1;min-width:320px">{html_table(cols, rows, title, styles)}</div>'

        return (f"<div><p><b>{esc(self._summary())}</b></p><div style='display:flex;gap:16px'>"
                f"{side(f'{self.before_name} (이전)', self.before, False)}"
                f"{side(f'{self.after_name} (이후)', self.after, True)}</div></div>")


