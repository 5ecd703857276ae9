"""The C3 table editor: toggle which S2 maps feed each C3 map and watch the counts."""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go

from .. import paper
from ._common import Explorer

S2_MAPS = 6
C3_MAPS = 16
#: C3 maps are 10x10, and every unit uses each of its map's parameters once.
C3_UNITS_PER_MAP = 100
KERNEL_AREA = 25

#: Tables the static face offers: the paper's, every pair, and two thinner ones.
C3_PRESETS: dict[str, tuple[tuple[int, ...], ...]] = {
    "paper's Table I": paper.C3_TABLE,
    "dense (every pair)": tuple(tuple(range(S2_MAPS)) for _ in range(C3_MAPS)),
    "three neighbours each": tuple(tuple((j + i) % S2_MAPS for i in range(3)) for j in range(C3_MAPS)),
    "one map each": tuple((j % S2_MAPS,) for j in range(C3_MAPS)),
}


def c3_counts(table: Sequence[Sequence[int]]) -> tuple[int, int]:
    """Trainable parameters and connections of C3 for a table: sum of 25*len(inputs) + 1, and 100 times that.

    A map with no inputs still counts its bias, so the counts exist for any table.
    """
    params = sum(KERNEL_AREA * len(inputs) + 1 for inputs in table)
    return params, C3_UNITS_PER_MAP * params


def table_matrix(table: Sequence[Sequence[int]]) -> np.ndarray:
    """0/1 matrix of shape (6, 16); [i, j] is 1 when S2 map i feeds C3 map j (empty maps allowed)."""
    matrix = np.zeros((S2_MAPS, len(table)), dtype=int)
    for j, inputs in enumerate(table):
        matrix[list(inputs), j] = 1
    return matrix


def table_remarks(table: Sequence[Sequence[int]]) -> list[str]:
    """Plain-language warnings: maps without inputs, and maps reading exactly the same S2 maps."""
    remarks = [f"C3 map {j} has no inputs: it would output the same constant, its squashed bias, for every digit."
               for j, inputs in enumerate(table) if not inputs]
    seen: dict[tuple[int, ...], int] = {}
    for j, inputs in enumerate(table):
        key = tuple(sorted(inputs))
        if key and key in seen:
            remarks.append(f"C3 maps {seen[key]} and {j} read the same S2 maps; only their random start "
                           "tells them apart.")
        seen.setdefault(key, j)
    return remarks


class C3TableEditor(Explorer):
    """96 toggle buttons (S2 map x C3 map), live parameter and connection counts, and a restore button."""

    def __init__(self):
        layout = widgets.Layout(width="34px", height="28px", padding="0")
        self.cells = [[widgets.ToggleButton(False, description="", tooltip=f"S2 map {i} → C3 map {j}", layout=layout)
                       for j in range(C3_MAPS)] for i in range(S2_MAPS)]
        self.restore = widgets.Button(description="Restore the paper's table", layout=widgets.Layout(width="220px"))
        self.counts = widgets.HTML()
        self._loading = False
        for row in self.cells:
            for cell in row:
                cell.observe(self.update, names="value")
        self.restore.on_click(lambda _: self.set_table(paper.C3_TABLE))
        header = [widgets.HTML("")] + [widgets.HTML(f"<b>{j}</b>", layout=widgets.Layout(width="34px"))
                                       for j in range(C3_MAPS)]
        rows = [w for i in range(S2_MAPS)
                for w in [widgets.HTML(f"<b>S2 {i}</b>", layout=widgets.Layout(width="44px"))] + self.cells[i]]
        grid = widgets.GridBox(header + rows, layout=widgets.Layout(
            grid_template_columns="48px " + "36px " * C3_MAPS, grid_gap="2px"))
        self.widget = widgets.VBox([widgets.HTML("columns: C3 maps; rows: S2 maps; a pressed button is a "
                                                 "connection"), grid, self.restore, self.counts])
        self.set_table(paper.C3_TABLE)

    def table(self) -> tuple[tuple[int, ...], ...]:
        """The table the buttons currently show: for each C3 map, its S2 maps."""
        return tuple(tuple(i for i in range(S2_MAPS) if self.cells[i][j].value) for j in range(C3_MAPS))

    def set_table(self, table: Sequence[Sequence[int]]) -> None:
        """Press exactly the buttons of ``table`` and update the counts once."""
        matrix = table_matrix(table)
        self._loading = True
        try:
            for i in range(S2_MAPS):
                for j in range(C3_MAPS):
                    self.cells[i][j].value = bool(matrix[i, j])
        finally:
            self._loading = False
        self.update()

    def update(self, change=None) -> None:
        """Recount parameters and connections and list any remarks about the table."""
        if self._loading:
            return
        for row in self.cells:
            for cell in row:
                cell.button_style = "info" if cell.value else ""
        table = self.table()
        self.parameters, self.connections = c3_counts(table)
        self.remarks = table_remarks(table)
        paper_params, _ = c3_counts(paper.C3_TABLE)
        dense_params, _ = c3_counts(C3_PRESETS["dense (every pair)"])
        remarks = "".join(f'<li style="color:#a50026">{r}</li>' for r in self.remarks)
        self.counts.value = (
            f"<p><b>{sum(map(len, table))}</b> connected pairs: <b>{self.parameters:,}</b> trainable parameters, "
            f"<b>{self.connections:,}</b> connections (paper's table: {paper_params:,}; every pair: "
            f"{dense_params:,} parameters)</p>" + (f"<ul>{remarks}</ul>" if remarks else ""))


def c3_table_editor() -> C3TableEditor:
    """Live C3 table editor; display it as the last expression of a cell."""
    return C3TableEditor()


def c3_table_editor_static(presets=None) -> go.Figure:
    """C3 connection tables with buttons to switch between presets; the title gives the counts."""
    presets = C3_PRESETS if presets is None else presets
    buttons = []
    for name, table in presets.items():
        params, connections = c3_counts(table)
        buttons.append(dict(method="update", label=name, args=[
            {"z": [table_matrix(table)]},
            {"title.text": f"C3 table: {name}<br><sup>{sum(map(len, table))} pairs, {params:,} parameters, "
                           f"{connections:,} connections</sup>"}]))
    fig = go.Figure(go.Heatmap(z=buttons[0]["args"][0]["z"][0], x=list(range(C3_MAPS)), y=list(range(S2_MAPS)),
                               colorscale=[[0, "#f4f4f4"], [1, "#1f4e79"]], zmin=0, zmax=1, showscale=False,
                               xgap=2, ygap=2, hovertemplate="S2 map %{y} → C3 map %{x}: %{z}<extra></extra>"))
    fig.update_layout(
        title=dict(text=buttons[0]["args"][1]["title.text"]), height=440, plot_bgcolor="white",
        xaxis=dict(title=dict(text="C3 map"), tickmode="linear", range=[-0.5, C3_MAPS - 0.5], constrain="domain"),
        yaxis=dict(title=dict(text="S2 map"), tickmode="linear", autorange="reversed", scaleanchor="x"),
        margin=dict(l=60, r=20, t=80, b=110),
        updatemenus=[dict(type="buttons", direction="right", buttons=buttons, x=0.5, xanchor="center", y=-0.22,
                          yanchor="top", showactive=True)],
        meta={"alt": ("A grid of 6 S2 maps by 16 C3 maps with connected pairs filled; buttons switch between the "
                      "paper's Table I, a dense table and thinner ones, and the title gives each one's "
                      "parameter and connection counts.")})
    return fig
