"""The dashboard page (Solara), built on Mesa's SolaraViz.

SolaraViz supplies the app bar and its controller card: Reset (NetLogo's *setup*: day 0 with the
current settings), play / pause, Step, the speed (play interval) and how many days pass between
drawings. Around it this module adds what SolaraViz's generic parameter card cannot do: controls
generated from the scenario dataclasses for arm A or arm B, the seed, one-click presets that
fill both arms, and the views. Every change is validated (``controls.set_value``) and sets the
run up again at day 0; refused values leave the run as it was and say why.
"""

from __future__ import annotations

import base64
import functools
import threading
from html import escape

import ipywidgets as widgets
import reacton.core
import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from simulation.dashboard import views
from simulation.dashboard.arms import Classroom
from simulation.dashboard.presets import BY_NUMBER
from simulation.dashboard.sidebar import Sidebar
from simulation.dashboard.state import (
    classroom,
    initial_settings,
    message,
    selected,
    settings,
)
from simulation.model.agents.consumer import Consumer

PLAY_INTERVAL_MS = 20
DRAWING = threading.RLock()
INSPECTED = (
    ("status", "status"),
    ("tenure", "tenure (days)"),
    ("intrinsic", "motivation: intrinsic interest (fun)"),
    ("identity", "motivation: identity (friendship)"),
    ("recognition", "motivation: recognition (first/feedback)"),
    ("extrinsic", "motivation: sensitivity to cash (finance)"),
    ("paid", "cash received (EUR)"),
    ("satisfaction", "satisfaction (-1..1)"),
    ("expectation", "expected influence (chance an idea is taken up)"),
    ("contributions", "ideas and builds posted"),
    ("friends", "friends"),
)


def wait_while_drawn(render_context, timeout: float = 10.0) -> None:
    """Before a step: wait until no other thread is drawing the page.

    SolaraViz's play thread changes the page's state after every step. While another thread
    renders (a click on pause, a preset, a slider), that change does not wait: it asks the
    rendering thread for one more pass, and a play thread that steps faster than a pass takes
    keeps it rendering until Solara gives up ("Too many renders triggered"). Waiting for the
    render lock before each step lets that pass finish first. Never waits for its own thread's
    render, and gives up after ``timeout`` seconds rather than block the play thread forever.
    """
    lock = getattr(render_context, "thread_lock", None)
    if lock is None or getattr(render_context, "_lock_thread", None) is threading.current_thread():
        return
    if lock.acquire(timeout=timeout):
        lock.release()


@solara.component
def PresetBanner():
    """The loaded belief and what to watch for (two lines)."""
    current = settings.value
    if current.preset:
        preset = BY_NUMBER[int(current.preset)]
        solara.Info(f"{preset.title} — {preset.explanation}")


@solara.component
def HeadlineRow():
    """The headline figures so far, one card each, a value per arm."""
    update_counter.get()
    room = classroom.value
    per_arm = [views.headlines(m) for m in room.models]
    with solara.Row(style={"flex-wrap": "wrap", "gap": "6px"}):
        for i, (label, _, unit) in enumerate(per_arm[0]):
            values = " | ".join(rows[i][1] for rows in per_arm)
            with solara.Card(margin=0, style={"min-width": "150px", "max-width": "210px"}):
                solara.Text(label, style={"font-size": "0.75rem"})
                solara.HTML(
                    "div",
                    unsafe_innerHTML=f"<b class='headline-value'>{values}</b> {unit}",
                )


@solara.component
def NetworkPanel():
    """The arms' social networks."""
    update_counter.get()
    room = classroom.value
    count = len(room.models)
    view = solara.use_memo(
        lambda: views.NetworkView(
            views.figure(4.4 * count, 4.0).subplots(1, count, squeeze=False)[0]
        ),
        [count],
    )
    with DRAWING:  # the play thread and a click may render at once; a figure is not thread-safe
        view.update(room.names, room.models, selected.value)
        fig = view.axes[0].figure
        fig.subplots_adjust(0.01, 0.01, 0.99, 0.93, 0.02)
        image = views.image_bytes(fig, "jpeg")
        width, height = int(fig.bbox.width), int(fig.bbox.height)

    def clicked(widget, event, data) -> None:
        """Inspect the consumer under the pointer (the image is shown at its own size)."""
        try:
            x, y = float(data["offsetX"]), float(data["offsetY"])
        except (TypeError, KeyError, ValueError):
            return  # not a pointer event: nothing to look up
        with DRAWING:
            index = view.consumer_at(x, y, classroom.value.models)
        if index is None:
            message.set("No consumer there: click on a dot to inspect it")
        else:
            message.set("")
            selected.set(index)

    picture = solara.v.Html(
        tag="img",
        attributes={
            "src": "data:image/jpeg;base64," + base64.b64encode(image).decode(),
            "width": width,
            "height": height,
            "alt": "the community's social network; click a consumer to inspect it",
            "title": "click a consumer to inspect it",
        },
        style_=f"width:{width}px;height:{height}px;max-width:none;cursor:crosshair",
        class_="network-image",
    )
    solara.v.use_event(picture, "click", clicked)
    legends = dict.fromkeys(views.legend_html(m) for m in room.models)  # one per kind of arm
    solara.HTML("div", unsafe_innerHTML="<br>".join(legends), style={"font-size": "0.8rem"})


@solara.component
def PlotsPanel():
    """Live plots, the arms overlaid."""
    update_counter.get()
    room = classroom.value
    view = solara.use_memo(
        lambda: views.PlotsView(views.figure(7.0, 4.4).subplots(2, 2).flat, blit=True), []
    )
    with DRAWING:
        fig = view.axes[0].figure
        fig.subplots_adjust(0.07, 0.07, 0.98, 0.93, 0.2, 0.4)
        view.update(room.names, room.models)
        image = view.image("png")
    widgets.Image.element(value=image, format="png")


def columns(room) -> list[tuple[str, object, object]]:
    """``(header, model, organisation)`` for every organisation of every arm."""
    several = any(len(m.organisations) > 1 for m in room.models)
    return [
        (f"{name}: {org.name}" if several else name, model, org)
        for name, model in zip(room.names, room.models, strict=True)
        for org in model.organisations
    ]


@solara.component
def PipelinePanel():
    """The idea pipeline, a column per arm (and per organisation of an arm with several)."""
    update_counter.get()
    cols = columns(classroom.value)
    rows = [views.pipeline(model, org) for _, model, org in cols]
    table = [(label, [str(r[i][1]) for r in rows]) for i, (label, _) in enumerate(rows[0])]
    html_table("Idea pipeline", ["stage", *(header for header, _, _ in cols)], table)


@solara.component
def CommunitiesPanel():
    """With several organisations: each community's figures side by side."""
    update_counter.get()
    room = classroom.value
    if all(len(m.organisations) == 1 for m in room.models):
        return
    cols = columns(room)
    per_model = {id(m): views.communities(m) for m in room.models}
    table = []
    for i, (label, _) in enumerate(next(iter(per_model.values()))):
        cells = []
        for _, model, org in cols:
            j = model.organisations.index(org)
            cells.append(per_model[id(model)][i][1][j])
        table.append((label, cells))
    html_table("Communities", ["", *(header for header, _, _ in cols)], table)


@solara.component
def Inspector():
    """One consumer's state in every arm (click a dot, type a number, or the most active)."""
    update_counter.get()
    room = classroom.value
    size = room.models[0].consumers.size

    def choose(value: str) -> None:
        try:
            index = int(value)
        except ValueError:
            message.set(f"Refused: consumer '{value}' is not a whole number")
            return
        if not 0 <= index < size:
            message.set(f"Refused: consumer {index} does not exist; choose 0 to {size - 1}")
            return
        message.set("")
        selected.set(index)

    def most_active() -> None:
        selected.set(int(room.models[0].consumers.active_days.argmax()))

    with solara.Card("Consumer inspector"):
        with solara.Row():
            solara.InputText(
                f"consumer (0 to {size - 1}; ringed in the network)",
                value="" if selected.value is None else str(selected.value),
                on_value=choose,
            )
            solara.Button("most active", on_click=most_active, outlined=True)
        if selected.value is not None and selected.value < size:
            states = []
            for model in room.models:
                agent = model.agents_by_type[Consumer].to_list()[selected.value]
                states.append(agent.state() | {"tenure": agent.tenure})
            table = [(label, [_cell(s[key]) for s in states]) for key, label in INSPECTED]
            if any(len(m.organisations) > 1 for m in room.models):
                cells = [memberships(m, selected.value) for m in room.models]
                table.insert(0, ("member of", cells))
            html_table(f"Consumer {selected.value}", ["", *room.names], table)


def memberships(model, index: int) -> str:
    """The communities consumer ``index`` belongs to (and those they left), in words."""
    now = [org.name for org in model.organisations if org.consumers.member[index]]
    left = [org.name for org in model.organisations if org.consumers.churn_day[index] >= 0]
    words = ", ".join(now) if now else "none"
    return words + (f" (left {', '.join(left)})" if left else "")


def html_table(title: str, header: list[str], rows: list[tuple[str, list[str]]]) -> None:
    """A small HTML table (plain HTML: Solara's Markdown would fetch KaTeX from a CDN)."""
    head = "".join(f"<th style='text-align:left;padding:2px 8px'>{escape(h)}</th>" for h in header)
    body = "".join(
        f"<tr><td style='padding:1px 8px'>{escape(label)}</td>"
        + "".join(f"<td style='text-align:right;padding:1px 8px'>{escape(c)}</td>" for c in cells)
        + "</tr>"
        for label, cells in rows
    )
    solara.HTML(
        "div",
        unsafe_innerHTML=f"<b>{escape(title)}</b><table><tr>{head}</tr>{body}</table>",
        style={"font-size": "0.85rem", "margin": "6px"},
    )


def _cell(value) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


@solara.component
def Page():
    """The dashboard: SolaraViz's controller, the page's controls and the views."""
    first, problem = solara.use_memo(initial_settings, [])
    if settings.value is None:
        settings.set(first)
        classroom.set(Classroom(first))
        if problem:
            message.set(problem)
    render_context = reacton.core.get_render_context(required=False)
    if render_context is not None:  # the model SolaraViz's Reset makes comes through here too
        classroom.value.before_step = functools.partial(wait_while_drawn, render_context)
    SolaraViz(
        classroom,
        components=[],
        model_params={"settings": lambda: settings.value},
        play_interval=PLAY_INTERVAL_MS,
        name="cocreate: a co-creation community",
    )
    # SolaraViz always shows its "Model Parameters" card; the page's own cards hold the
    # parameters, so hide a card whose only content is an empty column
    solara.Style(".v-card:has(> .v-card__text > .v-sheet:only-child:empty) {display: none}")
    Sidebar()
    with solara.Column(style={"padding": "8px"}):
        PresetBanner()
        HeadlineRow()
        NetworkPanel()
        with solara.Row(style={"flex-wrap": "wrap"}):
            PlotsPanel()
            PipelinePanel()
        CommunitiesPanel()
        Inspector()
