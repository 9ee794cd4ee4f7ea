"""What the dashboard and the GIF show, as data, and the matplotlib views that draw it.

The data functions (:func:`network_layout`, :func:`node_style`, :func:`pipeline`,
:func:`headlines`, :func:`series`) read a running :class:`~simulation.model.CoCreationModel`;
the views keep one matplotlib figure and update only what changes each day, so the page and
``cocreate animate`` draw the same pictures. The network's layout is computed once per graph
(cached) and its edges are drawn once into a background image: per day only the nodes' colours
and sizes change.
"""

from __future__ import annotations

import hashlib
import html
import io
import math

import networkx as nx
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from simulation.headlines import format_figure
from simulation.model.agents.consumer import ConsumerStatus
from simulation.model.decisions import GATES
from simulation.model.ideas.pool import IdeaStatus
from simulation.model.metrics import METRICS, churned_share

# state -> (legend name, colour); prospects are the population not (yet) in the community
STATE_COLOURS = {
    ConsumerStatus.PROSPECT: ("not a member", "#d9d9d9"),
    ConsumerStatus.LURKER: ("lurker", "#6baed6"),
    ConsumerStatus.CONTRIBUTOR: ("contributor", "#31a354"),
    ConsumerStatus.CHURNED: ("churned", "#de2d26"),
}
ARM_COLOURS = ("#1f77b4", "#ff7f0e")
# with several organisations: a colour per community a member belongs to (only that one), then
# one for members of several, one for those who left every community they joined
COMMUNITY_COLOURS = ("#2171b5", "#31a354", "#8c6d31", "#17becf", "#6a51a3", "#bcbd22")
SEVERAL_COLOUR, LEFT_COLOUR = "#ff7f00", "#de2d26"
# (title, reporter, secondary reporter drawn dashed)
PLOTS = (
    ("Active members", "active_members", None),
    ("Churned so far", "churned_total", None),
    ("Idea quality: accepted (dashed: submitted)", "quality_accepted", "quality_submitted"),
    ("Time to decision, median (days)", "time_to_decision_median", None),
)
HEADLINE_KEYS = (
    "active_members",
    "churned_share",
    "accepted",
    "quality_accepted",
    "feasible_on_strategy_share",
    "time_to_decision_median",
    "satisfaction_mean",
    "spend_total",
)
LAYOUT_ITERATIONS = 5  # force-directed refinement of the spectral layout (cheap, readable)
LAYOUT_MAX_NODES = 20_000  # above this, the spectral layout alone
_LAYOUTS: dict[str, np.ndarray] = {}


# --- data ---------------------------------------------------------------------------------------
def network_layout(model) -> np.ndarray:
    """Node positions (n, 2) in [-1, 1]², computed once per graph and cached.

    Deterministic (a spectral start refined by a few spring iterations from it), so two arms
    with the same graph share one picture.
    """
    friends = model.consumers.friends
    key = hashlib.sha1(friends.indptr.tobytes() + friends.indices.tobytes()).hexdigest()
    if key not in _LAYOUTS:
        n = friends.degree.size
        graph = model.graph
        if graph.number_of_edges() == 0 or n < 3:
            pos = nx.circular_layout(graph)
        else:
            pos = nx.spectral_layout(graph)
            if n <= LAYOUT_MAX_NODES:
                pos = nx.spring_layout(graph, pos=pos, iterations=LAYOUT_ITERATIONS, seed=0)
        xy = np.array([pos[i] for i in range(n)], dtype=float).reshape(n, 2)
        low, high = xy.min(axis=0), xy.max(axis=0)
        if len(_LAYOUTS) > 8:
            _LAYOUTS.clear()
        _LAYOUTS[key] = 2 * (xy - low) / np.where(high > low, high - low, 1.0) - 1
    return _LAYOUTS[key]


def node_style(model) -> tuple[np.ndarray, np.ndarray]:
    """Colour codes and sizes (points²; by days taken part) of every consumer.

    With one organisation the code is the consumer's :class:`ConsumerStatus`; with several it
    indexes :func:`palette`: not a member, a member of one community (one code each), of
    several, or gone from every community joined.
    """
    orgs = model.organisations
    if len(orgs) == 1:
        pop = model.consumers
        status = pop.status.astype(np.int64)
        active = pop.active_days
    else:
        member = np.array([org.consumers.member for org in orgs])
        joined = np.array([org.consumers.join_day >= 0 for org in orgs])
        count = member.sum(axis=0)
        status = np.zeros(member.shape[1], dtype=np.int64)  # not a member
        status[joined.any(axis=0)] = len(orgs) + 2  # left every community joined
        status[count == 1] = 1 + member.argmax(axis=0)[count == 1]
        status[count > 1] = len(orgs) + 1
        active = np.sum([org.consumers.active_days for org in orgs], axis=0)
    sizes = np.where(status == 0, 1.0, 4.0 + 3.0 * np.sqrt(np.minimum(active, 400)))
    return status, sizes


def palette(model) -> list[tuple[str, str]]:
    """``(legend name, colour)`` for each colour code :func:`node_style` gives."""
    orgs = model.organisations
    if len(orgs) == 1:
        return [STATE_COLOURS[s] for s in ConsumerStatus]
    colours = [COMMUNITY_COLOURS[i % len(COMMUNITY_COLOURS)] for i in range(len(orgs))]
    return [
        STATE_COLOURS[ConsumerStatus.PROSPECT],
        *((f"in {org.name}", colour) for org, colour in zip(orgs, colours, strict=True)),
        ("in several", SEVERAL_COLOUR),
        ("left", LEFT_COLOUR),
    ]


def communities(model) -> list[tuple[str, list[str]]]:
    """Each organisation's community so far: ``(figure, a value per organisation)`` rows."""
    rows = [org.community.row(None) for org in model.organisations]
    memberships = model.memberships()
    if memberships is not None:
        for org, row in zip(model.organisations, rows, strict=True):
            others = memberships - org.consumers.member
            row["members_elsewhere"] = int((others[org.consumers.member] > 0).sum())
    figures = (
        ("active members", "active_members", "count"),
        ("members", "members", "count"),
        ("ideas", "ideas_total", "count"),
        ("accepted", "accepted", "count"),
        ("cash paid (EUR)", "spend_total", "eur"),
        ("also in another community", "members_elsewhere", "count"),
    )
    return [(label, [format_figure(r[key], kind) for r in rows]) for label, key, kind in figures]


def pipeline(model, organisation=None) -> list[tuple[str, int]]:
    """The idea pipeline of an organisation (default: the focal one).

    Submitted -> reviewed -> promoted -> at each gate -> decided.

    >>> from simulation.model import CoCreationModel
    >>> [label for label, _ in pipeline(CoCreationModel())][:3]
    ['submitted', 'waiting for review', 'ignored (no answer)']
    """
    org = organisation if organisation is not None else model.organisation
    ideas, gates = org.ideas, org.gates
    status = np.bincount(ideas["status"][: len(ideas)], minlength=len(IdeaStatus))
    at_gate = np.bincount(
        np.minimum(gates.concepts["gate"][gates.open], len(GATES) - 1), minlength=len(GATES)
    )
    return [
        ("submitted", len(ideas)),
        ("waiting for review", int(status[IdeaStatus.PENDING])),
        ("ignored (no answer)", int(status[IdeaStatus.IGNORED])),
        ("rejected at review", int(status[IdeaStatus.REJECTED])),
        ("promoted to concept", int(org.promoted)),
        *((f"at the {gate} gate", int(n)) for gate, n in zip(GATES, at_gate, strict=True)),
        ("killed at a gate", int(status[IdeaStatus.KILLED])),
        ("accepted", int(status[IdeaStatus.ACCEPTED])),
    ]


def headlines(model) -> list[tuple[str, str, str]]:
    """``(label, value, unit)`` of the headline figures so far (``simulation.headlines``)."""
    today = model.today
    values = dict(today)
    values["churned_share"] = churned_share(today["churned_total"], today["joined_total"])
    rows = []
    for key in HEADLINE_KEYS:
        h = METRICS[key]
        rows.append((h.label, format_figure(values.get(key), h.kind), h.unit))
    return rows


def series(model, name: str) -> np.ndarray:
    """One daily reporter so far (the model's DataCollector column)."""
    return np.asarray(model.datacollector.model_vars[name], dtype=float)


# --- views --------------------------------------------------------------------------------------
def figure(width: float, height: float, dpi: int = 80) -> Figure:
    """A matplotlib figure with an Agg canvas, outside pyplot (no global state, no GUI)."""
    fig = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


def image_bytes(fig: Figure, fmt: str = "png") -> bytes:
    """The figure as an image file's bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt)
    return buffer.getvalue()


class NetworkView:
    """Each arm's social network: nodes coloured by state, sized by activity.

    Args:
        axes: one matplotlib axes per arm.
    """

    def __init__(self, axes):
        self.axes = list(axes)
        self.points, self.marks, self._graph = [], [], None

    def _setup(self, models) -> None:
        for ax in self.axes:
            ax.clear()
            ax.set_axis_off()
        self.points, self.marks = [], []
        for ax, model in zip(self.axes, models, strict=False):
            xy = network_layout(model)
            ax.imshow(
                self._edge_image(ax, xy, model),
                extent=(-1.05, 1.05, -1.05, 1.05),
                aspect="auto",
                interpolation="bilinear",
                zorder=0,
            )
            ax.set_xlim(-1.05, 1.05)
            ax.set_ylim(-1.05, 1.05)
            self.points.append(ax.scatter(xy[:, 0], xy[:, 1], s=1, linewidths=0, zorder=1))
            self.marks.append(
                ax.scatter([], [], s=160, facecolors="none", edgecolors="black", zorder=2)
            )

    @staticmethod
    def _edge_image(ax, xy: np.ndarray, model) -> np.ndarray:
        """The edges drawn once, at the axes' pixel size, as an RGBA image."""
        box = ax.get_window_extent()
        dpi = ax.figure.dpi
        fig = figure(max(box.width, 10) / dpi, max(box.height, 10) / dpi, int(dpi))
        back = fig.add_axes((0, 0, 1, 1))
        back.set_axis_off()
        ties = model.consumers.friends.edges()
        segments = np.stack([xy[ties[:, 0]], xy[ties[:, 1]]], axis=1)
        back.add_collection(LineCollection(segments, linewidths=0.3, colors="#888888", alpha=0.25))
        back.set_xlim(-1.05, 1.05)
        back.set_ylim(-1.05, 1.05)
        fig.canvas.draw()
        return np.asarray(fig.canvas.buffer_rgba()).copy()

    def update(self, names, models, selected: int | None = None) -> None:
        """Show today's states; ring ``selected`` (a consumer index) in every arm."""
        graph = tuple(id(m.consumers.friends) for m in models)
        if graph != self._graph:
            self._setup(models)
            self._graph = graph
        for ax, name, model, points, mark in zip(
            self.axes, names, models, self.points, self.marks, strict=False
        ):
            status, sizes = node_style(model)
            colours = np.array([colour for _, colour in palette(model)])
            points.set_facecolor(colours[status])
            points.set_sizes(sizes)
            xy = network_layout(model)
            inside = selected is not None and 0 <= selected < len(xy)
            mark.set_offsets(xy[[selected]] if inside else np.empty((0, 2)))
            ax.set_title(f"{name}: day {model.steps}", fontsize=10)

    def consumer_at(self, x: float, y: float, models, radius: float = 10.0) -> int | None:
        """The consumer drawn nearest to pixel (x, y) of the image (from its top left).

        ``None`` when no node lies within ``radius`` pixels. The image must be shown at its own
        size (the page does), so that its pixels are the figure's.
        """
        fig = self.axes[0].figure
        point = np.array([x, fig.bbox.height - y])  # matplotlib counts pixels from the bottom
        for ax, model in zip(self.axes, models, strict=False):
            if not ax.bbox.contains(*point):
                continue
            nodes = ax.transData.transform(network_layout(model))
            distance = np.hypot(*(nodes - point).T)
            nearest = int(distance.argmin())
            return nearest if distance[nearest] <= radius else None
        return None


def legend_html(model=None) -> str:
    """The colour legend of the network (of ``model``'s colours), as HTML."""
    colours = palette(model) if model is not None else list(STATE_COLOURS.values())
    items = (
        f"<span style='color:{colour}'>&#9679;</span> {html.escape(name)}"
        for name, colour in colours
    )
    return " &nbsp; ".join(items) + " &nbsp; (size: days taken part)"


class PlotsView:
    """The live plots, every arm overlaid: active members, churn, idea quality, time to decision.

    Drawing four axes with their ticks and titles costs ~80 ms; so the axes keep their limits
    until the data outgrow them (then a quarter more room is added) and, with ``blit``, the
    axes are drawn once into a background and each day only the lines are drawn on top of it
    (:meth:`image`): about ten times faster, which is what lets the page play at 2,000
    consumers.

    Args:
        axes: four matplotlib axes, one per entry of ``PLOTS``.
        blit: draw the lines over a cached background in :meth:`image` (the page); False for
            figures saved whole (``cocreate animate``).
    """

    HEADROOM = 1.25

    def __init__(self, axes, blit: bool = False):
        self.axes = list(axes)
        self.lines: list[list] = []
        self._names: tuple = ()
        self.blit = blit
        self._background = None

    def _setup(self, names, days: int) -> None:
        self.lines = []
        for ax, (title, _, secondary) in zip(self.axes, PLOTS, strict=True):
            ax.clear()
            ax.set_title(title, fontsize=9)
            ax.tick_params(labelsize=7)
            ax.set_xlim(0, days)
            row = []
            for colour, name in zip(ARM_COLOURS, names, strict=False):
                row.append(ax.plot([], [], color=colour, lw=1.5, label=name)[0])
                if secondary:
                    row.append(ax.plot([], [], color=colour, lw=1, ls="--")[0])
            for line in row:
                line.set_animated(self.blit)
            ax.set_ylim(0, 1)
            self.lines.append(row)
        self.axes[0].legend(loc="upper left", fontsize=7, frameon=False)
        self._background = None

    def update(self, names, models) -> None:
        """Draw every arm's series so far."""
        days = max(m.params.run.days for m in models)
        if (tuple(names), days) != self._names:
            self._setup(names, days)
            self._names = (tuple(names), days)
        for ax, (_, name, secondary), row in zip(self.axes, PLOTS, self.lines, strict=True):
            per_arm = 2 if secondary else 1
            for i, model in enumerate(models):
                y = series(model, name)
                row[i * per_arm].set_data(np.arange(y.size), y)
                if secondary:
                    y2 = series(model, secondary)
                    row[i * per_arm + 1].set_data(np.arange(y2.size), y2)
            self._fit(ax, row)

    def _fit(self, ax, row) -> None:
        """Widen the y-axis when the data leave it (the background must then be redrawn)."""
        values = np.concatenate([np.asarray(line.get_ydata(), dtype=float) for line in row])
        values = values[np.isfinite(values)]
        if not values.size:
            return
        low, high = ax.get_ylim()
        top, bottom = float(values.max()), min(float(values.min()), 0.0)
        if top > high or bottom < low:
            span = max(top - bottom, 1e-9)
            ax.set_ylim(bottom, bottom + self.HEADROOM * span)
            self._background = None

    def image(self, fmt: str = "png") -> bytes:
        """The figure as image bytes; with ``blit``, only the lines are drawn anew."""
        fig = self.axes[0].figure
        if not self.blit:
            return image_bytes(fig, fmt)
        canvas = fig.canvas
        if self._background is None or self._background[0] != fig.bbox.bounds:
            canvas.draw()  # everything but the (animated) lines
            self._background = (fig.bbox.bounds, canvas.copy_from_bbox(fig.bbox))
        canvas.restore_region(self._background[1])
        for ax, row in zip(self.axes, self.lines, strict=True):
            for line in row:
                ax.draw_artist(line)
        return encode(np.asarray(canvas.buffer_rgba()), fmt)


def encode(rgba: np.ndarray, fmt: str = "png") -> bytes:
    """An RGBA pixel buffer as PNG (fast compression) or JPEG bytes."""
    from PIL import Image

    buffer = io.BytesIO()
    picture = Image.fromarray(rgba, "RGBA")
    if fmt == "png":
        picture.save(buffer, format="png", compress_level=1)
    else:
        picture.convert("RGB").save(buffer, format=fmt, quality=85)
    return buffer.getvalue()


def draw_pipeline(ax, names, models) -> None:
    """The idea pipeline as horizontal bars, one colour per arm."""
    ax.clear()
    height = 0.8 / max(len(models), 1)
    for i, (name, model) in enumerate(zip(names, models, strict=False)):
        rows = pipeline(model)
        y = np.arange(len(rows)) + i * height
        ax.barh(y, [n for _, n in rows], height=height, color=ARM_COLOURS[i], label=name)
        labels = [label for label, _ in rows]
    ax.set_yticks(np.arange(len(labels)) + height * (len(models) - 1) / 2, labels, fontsize=7)
    ax.invert_yaxis()
    ax.yaxis.tick_right()
    ax.tick_params(axis="x", labelsize=7)
    ax.set_title("Idea pipeline", fontsize=9)


def grid_shape(count: int) -> tuple[int, int]:
    """Rows and columns for ``count`` panels, at most two columns.

    >>> grid_shape(4), grid_shape(1)
    ((2, 2), (1, 1))
    """
    cols = min(count, 2)
    return math.ceil(count / cols), cols
