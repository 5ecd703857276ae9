"""Figures of a training run: learning curves, mistakes, and comparisons with the paper."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import checks
from ..metrics import confusion_matrix
from ..pretrained import SeedSummary


def learning_curves(history: Mapping, paper_error: float | None = None, title: str = "Learning curves") -> go.Figure:
    """Train and test error (%) per epoch from a run's history, with the paper's test error as a line."""
    for key in ("train_error", "test_error"):
        if key not in history or len(history[key]) == 0:
            raise ValueError(f"history must hold a non-empty list {key!r}")
    epochs = list(range(1, len(history["test_error"]) + 1))
    fig = go.Figure()
    fig.add_scatter(x=epochs, y=[100 * e for e in history["train_error"]], name="training set", mode="lines+markers")
    fig.add_scatter(x=epochs, y=[100 * e for e in history["test_error"]], name="test set", mode="lines+markers")
    if paper_error is not None:
        fig.add_hline(y=paper_error, line_dash="dash", line_color="grey",
                      annotation_text=f"paper: {paper_error} %", annotation_position="top right")
    fig.update_layout(title=title, xaxis_title="epoch (pass over the 60,000 training images)",
                      yaxis_title="error (%)", height=420, yaxis_rangemode="tozero",
                      meta={"alt": "Training and test error per epoch, falling over the epochs, "
                                   "with the paper's test error drawn as a dashed line."})
    return fig


def confusion_figure(y_true, y_pred, title: str = "Confusion matrix of the test set") -> go.Figure:
    """Heatmap of the confusion matrix, mistakes only (the diagonal is shown in the hover text)."""
    matrix = confusion_matrix(y_true, y_pred)
    mistakes = matrix.astype(float)
    np.fill_diagonal(mistakes, np.nan)
    text = [[str(v) for v in row] for row in matrix]
    fig = go.Figure(go.Heatmap(z=mistakes, x=list(range(10)), y=list(range(10)), text=text,
                               texttemplate="%{text}", colorscale="Reds", showscale=True,
                               hovertemplate="true %{y}, predicted %{x}: %{text}<extra></extra>",
                               colorbar={"title": "mistakes"}))
    fig.update_layout(title=title, xaxis_title="predicted digit", yaxis_title="true digit", height=480,
                      xaxis={"dtick": 1}, yaxis={"dtick": 1, "autorange": "reversed"},
                      meta={"alt": "Ten by ten table of counts: true digit by row, predicted digit by column; "
                                   "off-diagonal cells are coloured by the number of mistakes."})
    return fig


def digit_gallery(images: np.ndarray, captions: Sequence[str], columns: int = 12,
                  title: str = "Digits") -> go.Figure:
    """A grid of 28x28 digits, each with a caption, ink dark on white as in the paper's figures."""
    images = np.asarray(images)
    if images.ndim != 3:
        raise ValueError(f"images must have shape (N, height, width), got {images.shape}")
    if len(captions) != len(images):
        raise ValueError(f"captions must have one entry per image: {len(captions)} for {len(images)} images")
    columns = checks.integer("columns", columns, low=1)
    count = len(images)
    rows = max(1, -(-count // columns))
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=list(captions),
                        horizontal_spacing=0.01, vertical_spacing=0.3 / rows)
    for index, image in enumerate(images):
        fig.add_trace(go.Heatmap(z=image, colorscale="Greys", showscale=False, zmin=0, zmax=255,
                                 hoverinfo="skip"), row=index // columns + 1, col=index % columns + 1)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor=None)
    fig.update_annotations(font_size=10)
    fig.update_layout(title=title, height=120 + 85 * rows, margin={"l": 10, "r": 10, "t": 80, "b": 10},
                      meta={"alt": f"A grid of {count} handwritten digits, each captioned."})
    return fig


def error_bars(errors: Mapping[str, float], highlight: Sequence[str] = (),
               title: str = "Test error on MNIST") -> go.Figure:
    """Horizontal bars of test errors (%), best at the top; ``highlight`` names bars to colour."""
    if not errors:
        raise ValueError("errors must name at least one classifier")
    unknown = set(highlight) - set(errors)
    if unknown:
        raise ValueError(f"highlight names classifiers not in errors: {sorted(unknown)}")
    items = sorted(errors.items(), key=lambda kv: kv[1], reverse=True)
    names = [name for name, _ in items]
    colours = ["#d62728" if name in highlight else "#7f7f7f" for name in names]
    fig = go.Figure(go.Bar(x=[v for _, v in items], y=names, orientation="h", marker_color=colours,
                           text=[f"{v:.2f}" for _, v in items], textposition="outside"))
    fig.update_layout(title=title, xaxis_title="test error (%)", height=140 + 28 * len(items),
                      xaxis_type="log", margin={"l": 10},
                      meta={"alt": "Horizontal bar chart of test error by classifier on a logarithmic axis, "
                                   "this book's runs highlighted in red."})
    return fig


def schedules_figure(schedules: Mapping[str, Sequence[float]], title: str = "Step size per epoch") -> go.Figure:
    """Step sizes per epoch of several training recipes on a log axis (one line each)."""
    if not schedules:
        raise ValueError("schedules must name at least one recipe")
    fig = go.Figure()
    for name, rates in schedules.items():
        if len(rates) == 0 or min(rates) <= 0:
            raise ValueError(f"schedule {name!r} must be a non-empty list of positive step sizes")
        fig.add_scatter(x=list(range(1, len(rates) + 1)), y=list(rates), name=name, mode="lines+markers",
                        line_shape="hv")
    fig.update_layout(title=title, xaxis_title="epoch", yaxis_title="step size", yaxis_type="log", height=380,
                      meta={"alt": "Step size per epoch for each recipe, falling in stages, on a logarithmic axis."})
    return fig


def seed_spread_figure(summaries: Mapping[str, SeedSummary], reference: tuple[str, float] | None = None,
                       title: str = "Final test error over seeds") -> go.Figure:
    """Each network's final test error (%) for every seed as a dot, with the mean and one standard
    deviation either side; ``reference`` is a (label, error %) drawn as a dashed line.

    Parameters
    ----------
    summaries : mapping of str to SeedSummary
        Row label to the runs of one network, as :func:`lenet5_lesson.seed_summary` returns them.
    reference : (str, float) or None
        A labelled error in percent, the paper's for instance.
    title : str
        The figure's title.
    """
    if not summaries:
        raise ValueError("summaries must name at least one network")
    if not all(isinstance(s, SeedSummary) for s in summaries.values()):
        raise TypeError("summaries must map labels to SeedSummary objects, as seed_summary() returns them")
    labels = list(summaries)[::-1]  # plotly draws the first category at the bottom
    fig = go.Figure()
    for label in labels:
        summary = summaries[label]
        fig.add_trace(go.Scatter(
            x=[100 * e for e in summary.test_errors], y=[label] * len(summary.seeds), mode="markers",
            marker={"color": "#7f7f7f", "size": 8, "opacity": 0.7}, showlegend=False,
            hovertemplate=[f"seed {s}: %{{x:.2f}} %<extra>{label}</extra>" for s in summary.seeds]))
        fig.add_trace(go.Scatter(
            x=[100 * summary.mean], y=[label], mode="markers", showlegend=False,
            marker={"color": "#08519c", "size": 13, "symbol": "diamond"},
            error_x={"type": "constant", "value": 100 * summary.std, "color": "#08519c", "thickness": 2},
            hovertemplate=(f"mean of {len(summary.seeds)} seeds: %{{x:.2f}} % "
                           f"(standard deviation {100 * summary.std:.2f})<extra>{label}</extra>")))
    if reference is not None:
        name, value = reference
        value = checks.number("reference error", value, above=0)
        fig.add_vline(x=value, line={"color": "#d62728", "dash": "dash"})
        # Annotations on a logarithmic axis are placed by the logarithm of their value.
        fig.add_annotation(x=np.log10(value), y=1, yref="paper", yanchor="bottom", text=name, showarrow=False,
                           font={"color": "#d62728"})
    # Logarithmic, like error_bars: a run that failed (20 %) and runs near 1 % both stay readable.
    fig.update_layout(title=title, xaxis_title="final test error (%), logarithmic axis",
                      height=170 + 48 * len(labels), margin={"l": 10, "t": 90}, plot_bgcolor="white",
                      xaxis={"type": "log", "gridcolor": "#e5e5e5", "zeroline": False},
                      meta={"alt": ("Dot plot: for each network the final test error of every seed as grey dots, "
                                    "the mean as a blue diamond with a bar of one standard deviation either side"
                                    + (", and the paper's error as a dashed red line." if reference else "."))})
    return fig


def error_curves(histories: Mapping[str, Mapping], reference: tuple[str, float] | None = None,
                 title: str = "Test error per pass") -> go.Figure:
    """The test error (%) after every epoch of several runs, one line each, on a logarithmic axis.

    Parameters
    ----------
    histories : mapping of str to mapping
        Line label to a run's history (``test_error`` per epoch, as fractions). Labels that share
        their text before " seed" share a colour, so the seeds of one recipe read as one family.
    reference : (str, float) or None
        A labelled error in percent, drawn as a dashed line: the paper's, say.
    title : str
        The figure's title.
    """
    if not histories:
        raise ValueError("histories must name at least one run")
    families: dict[str, str] = {}
    palette = ("#08519c", "#d95f02", "#1b9e77", "#7570b3")
    fig = go.Figure()
    for label, history in histories.items():
        errors = history.get("test_error") if isinstance(history, Mapping) else None
        if not errors:
            raise ValueError(f"the history of {label!r} must hold a non-empty list 'test_error'")
        family = label.split(" seed")[0]
        colour = families.setdefault(family, palette[len(families) % len(palette)])
        fig.add_scatter(x=list(range(1, len(errors) + 1)), y=[100 * e for e in errors], name=label,
                        mode="lines", line={"color": colour, "width": 1.5}, legendgroup=family,
                        hovertemplate=f"{label}, epoch %{{x}}: %{{y:.2f}} %<extra></extra>")
    if reference is not None:
        name, value = reference
        value = checks.number("reference error", value, above=0)
        fig.add_hline(y=value, line={"color": "#d62728", "dash": "dash"}, annotation_text=name,
                      annotation_position="top right", annotation_font_color="#d62728")
    fig.update_layout(title=title, xaxis_title="pass over the 60,000 training images",
                      yaxis_title="test error (%), logarithmic axis", yaxis_type="log", height=440,
                      legend={"orientation": "h", "y": -0.2}, margin={"l": 10, "r": 10},
                      meta={"alt": "Test error after every pass of each run, one line per run and one colour per "
                                   "recipe, on a logarithmic axis" + (", with a dashed reference line." if reference
                                                                       else ".")})
    return fig


def step_range_figure(histories: Mapping[str, Mapping], reference: tuple[float, float] | None = None,
                      title: str = "SDLM's effective steps per pass") -> go.Figure:
    """The smallest and largest effective step eta / (mu + h_kk) of every pass of SDLM runs.

    Parameters
    ----------
    histories : mapping of str to mapping
        Label to the history of a run trained with SDLM (``step_min`` and ``step_max`` per pass).
    reference : (float, float) or None
        The paper's range for the first pass, drawn as a bar at pass 1.
    title : str
        The figure's title.
    """
    if not histories:
        raise ValueError("histories must name at least one run")
    fig = go.Figure()
    for n, (label, history) in enumerate(histories.items()):
        if not history.get("step_min") or len(history.get("step_max", ())) != len(history["step_min"]):
            raise ValueError(f"the history of {label!r} must hold step_min and step_max, one per pass: "
                             "train it with optimizer='sdlm'")
        passes = list(range(1, len(history["step_min"]) + 1))
        for key, dash in (("step_max", "solid"), ("step_min", "dot")):
            fig.add_scatter(x=passes, y=history[key], mode="lines+markers", legendgroup=label,
                            name=f"{label}: {'largest' if key == 'step_max' else 'smallest'} step",
                            line={"color": ("#08519c", "#6baed6", "#2171b5", "#9ecae1")[n % 4], "dash": dash},
                            hovertemplate=f"{label}, pass %{{x}}: %{{y:.2g}}<extra></extra>")
    if reference is not None:
        low, high = (checks.number("reference step", value, above=0) for value in reference)
        fig.add_scatter(x=[1, 1], y=[low, high], mode="lines+markers", name="the paper, first pass",
                        line={"color": "#d62728", "width": 6}, marker={"size": 10, "symbol": "line-ew-open"})
    fig.update_layout(title=title, xaxis_title="pass", yaxis_title="eta / (mu + h), logarithmic axis",
                      yaxis_type="log", height=440, legend={"orientation": "h", "y": -0.2},
                      margin={"l": 10, "r": 10},
                      meta={"alt": "The largest and smallest effective step size of every SDLM pass on a "
                                   "logarithmic axis, falling with the schedule"
                                   + (", and the paper's first-pass range as a red bar." if reference else ".")})
    return fig
