"""The dashboard's pieces: controls from the dataclasses, arms, presets, views, and the page
rendered with Solara's testing tools (no browser)."""

from __future__ import annotations

import ipyvuetify as v
import ipywidgets as widgets
import numpy as np
import pytest
import solara

from simulation.dashboard import controls, page, state, views
from simulation.dashboard.arms import Classroom, Settings
from simulation.dashboard.presets import PRESETS, load_preset
from simulation.model.policies import POLICIES
from simulation.scenario import Scenario, ScenarioError, iter_params
from tests.helpers import ROOT, small


def test_controls_come_from_the_dataclasses():
    fields = dict(iter_params())
    for c in controls.policy_controls() + controls.slider_controls():
        f = fields[c.key]
        assert c.default == f.default and c.description == f.metadata["description"]
        if c.choices is None:
            assert f.metadata["low"] <= c.low <= c.default <= c.high <= f.metadata["high"]
    families = {c.key: set(c.choices) for c in controls.policy_controls()}
    assert families == {k: set(POLICIES[f]) for f, k in controls.POLICY_KEYS.items()}
    assert set(controls.POLICY_KEYS) == set(POLICIES)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("community.consumers", 0),
        ("policies.reward.kind", "cash"),
        ("community.initial_members", 10**7),
        ("no.such.key", 1),
        ("run.seed", None),
    ],
)
def test_invalid_values_are_refused(key, value):
    with pytest.raises(ScenarioError):
        controls.set_value(Scenario(), key, value)


def test_typed_values_are_validated():
    assert controls.set_typed(Scenario(), "marketers.count = 3").marketers.count == 3
    for text in ("marketers.count", "marketers.count = -1", "../../etc/passwd = 1"):
        with pytest.raises(ScenarioError):
            controls.set_typed(Scenario(), text)


def test_arms_run_in_step_on_the_same_seed():
    base = small(days=20)
    room = Classroom(Settings((Settings.from_scenario(base).arms), seed=5, side_by_side=True))
    for _ in range(10):
        room.step()
    a, b = room.models
    assert a.steps == b.steps == room.day == 10
    assert a.params.run.seed == b.params.run.seed == 5
    assert np.array_equal(views.series(a, "members"), views.series(b, "members"))


def test_every_preset_loads_its_beliefs_arms():
    for preset in PRESETS:
        settings = load_preset(preset.number, seed=3)
        names = [arm.name for arm in settings.arms]
        assert names == [preset.myth.reference, preset.myth.challenger]
        assert settings.side_by_side and len(preset.explanation.splitlines()) == 2
    with pytest.raises(KeyError):
        load_preset(99, seed=3)


def test_views_update_and_pipeline_adds_up():
    room = Classroom(Settings.from_scenario(small(days=40)))
    net = views.NetworkView(views.figure(4, 4).subplots(1, 1, squeeze=False)[0])
    plots = views.PlotsView(views.figure(6, 4).subplots(2, 2).flat)
    net.update(room.names, room.models, selected=3)
    before = views.image_bytes(net.axes[0].figure)
    for _ in range(30):
        room.step()
    net.update(room.names, room.models, selected=3)
    plots.update(room.names, room.models)
    assert views.image_bytes(net.axes[0].figure) != before
    counts = dict(views.pipeline(room.models[0]))
    status_total = sum(
        counts[k]
        for k in (
            "waiting for review",
            "ignored (no answer)",
            "rejected at review",
            "killed at a gate",
            "accepted",
        )
    )
    in_gates = sum(n for k, n in counts.items() if k.startswith("at the"))
    assert status_total + in_gates == counts["submitted"]
    assert len(views.headlines(room.models[0])) == len(views.HEADLINE_KEYS)


# --- the page, rendered without a browser ---------------------------------------------------------
@pytest.fixture
def rendered(monkeypatch, tmp_path):
    scenario = tmp_path / "small.toml"
    scenario.write_text(
        'extends = "%s"\n[community]\nconsumers = 300\ninitial_members = 60\n'
        % (page.__file__.rsplit("/simulation/", 1)[0] + "/scenarios/baseline.toml")
    )
    monkeypatch.setenv(state.SCENARIO_ENV, str(scenario))
    for reactive, value in (
        (state.settings, None),
        (state.classroom, None),
        (state.editing, 0),
        (state.selected, None),
        (state.message, ""),
    ):
        reactive.set(value)

    @solara.component
    def Root():
        with solara.AppLayout():
            page.Page()

    box, rc = solara.render(Root(), handle_error=False)
    yield rc
    rc.close()


def _button(rc, label):
    return rc.find(v.Btn, children=[label]).widget


def _pictures(rc):
    network = rc.find(v.Html, tag="img").widget.attributes["src"]
    return network, rc.find(widgets.Image).widget.value  # the network, the plots


def test_page_steps_and_shows_views(rendered):
    rc = rendered
    assert state.classroom.value.models[0].consumers.size == 300
    before = _pictures(rc)
    for _ in range(3):
        _button(rc, "Step").click()
    assert state.classroom.value.day == 3
    rc.find(children=["Time: 3.0"]).assert_single()
    after = _pictures(rc)
    assert all(a != b for a, b in zip(before, after, strict=True))


def test_clicking_a_consumer_in_the_network_inspects_it(rendered):
    rc = rendered
    _button(rc, "Step").click()
    picture = rc.find(v.Html, tag="img").widget
    height = picture.attributes["height"]
    model = state.classroom.value.models[0]
    # where consumer 42 is drawn, in the image's pixels from its top left
    view = views.NetworkView(
        views.figure(4.4, 4.0).subplots(1, 1, squeeze=False)[0]
    )  # the page's geometry
    view.axes[0].figure.subplots_adjust(0.01, 0.01, 0.99, 0.93, 0.02)
    view.update(["a"], [model])
    x, y = view.axes[0].transData.transform(views.network_layout(model)[42])
    picture.fire_event("click", {"offsetX": x, "offsetY": height - y})
    assert state.selected.value == view.consumer_at(x, height - y, [model]) == 42
    assert not state.message.value
    tables = [
        w for w in rc.find(solara.widgets.HTML).widgets if "Consumer 42" in w.unsafe_innerHTML
    ]
    assert len(tables) == 1
    picture.fire_event("click", {"offsetX": 1, "offsetY": 1})  # a corner: nobody there
    assert state.selected.value == 42 and "No consumer there" in state.message.value


def test_page_changes_a_policy_and_a_slider(rendered):
    rc = rendered
    _button(rc, "Step").click()
    select = rc.find(v.Select, label="reward policy").widget
    select.v_model = "per_idea"
    assert state.settings.value.arms[0].scenario.policies.reward.kind == "per_idea"
    assert state.classroom.value.day == 0  # set up again with the new policy
    slider = rc.find(v.Slider, label="marketers: count (people)").widget
    slider.v_model = 4
    assert state.settings.value.arms[0].scenario.marketers.count == 4
    assert not state.message.value


def test_page_refuses_a_typed_value_with_a_message(rendered):
    rc = rendered
    before = state.settings.value
    field = rc.find(v.TextField, label="any parameter: key.path = value (Enter)").widget
    field.v_model = "community.consumers = -5"
    field.fire_event("keyup.enter", None)
    assert state.settings.value is before
    assert "out of range" in state.message.value
    rc.find(v.Alert, children=[state.message.value]).assert_single()


def test_page_loads_a_preset_side_by_side_and_inspects_a_consumer(rendered):
    rc = rendered
    _button(rc, "Belief 2").click()
    room = state.classroom.value
    assert room.names == ["recognition", "cash"] and state.settings.value.side_by_side
    assert any("Watch active members" in str(w.children) for w in rc.find(v.Alert).widgets)
    for _ in range(3):
        _button(rc, "Step").click()
    _button(rc, "most active").click()
    # the consumer of the first arm with the most active days (the lowest index on a tie)
    active = state.classroom.value.models[0].consumers.active_days
    most = int(np.flatnonzero(active == active.max())[0])
    assert active.max() > 0 and state.selected.value == most
    html = rc.find(solara.widgets.HTML).widgets
    tables = [w for w in html if "expected influence" in w.unsafe_innerHTML]
    assert len(tables) == 1 and f"Consumer {most}<" in tables[0].unsafe_innerHTML


def test_the_play_thread_waits_while_another_thread_draws():
    import threading
    from types import SimpleNamespace

    context = SimpleNamespace(thread_lock=threading.Lock(), _lock_thread=None)
    events = []
    held, release = threading.Event(), threading.Event()

    def draw():  # another thread holds the render lock until told to let go
        with context.thread_lock:
            context._lock_thread = threading.current_thread()
            held.set()
            release.wait(10)
            events.append("drawn")
            context._lock_thread = None

    drawer = threading.Thread(target=draw)
    drawer.start()
    held.wait(10)
    threading.Timer(0.05, release.set).start()
    page.wait_while_drawn(context)
    events.append("stepped")
    drawer.join()
    assert events == ["drawn", "stepped"]
    context._lock_thread = threading.current_thread()  # its own render: no wait, no deadlock
    with context.thread_lock:
        page.wait_while_drawn(context)


def test_members_are_coloured_by_community_when_there_are_several():
    from simulation.model import CoCreationModel
    from simulation.scenario import apply_overrides, load_scenario

    rivals = load_scenario(ROOT / "scenarios" / "rivals.toml")
    model = CoCreationModel(apply_overrides(rivals, ["community.consumers=300", "run.days=60"]))
    for _ in range(60):
        model.step()
    codes, sizes = views.node_style(model)
    a, b = (org.consumers for org in model.organisations)
    ever = (a.join_day >= 0) | (b.join_day >= 0)
    assert np.array_equal(codes == 0, ~ever)
    assert np.array_equal(codes == 1, a.member & ~b.member)
    assert np.array_equal(codes == 2, b.member & ~a.member)
    assert np.array_equal(codes == 3, a.member & b.member)
    assert np.array_equal(codes == 4, ever & ~a.member & ~b.member)
    names = [name for name, _ in views.palette(model)]
    assert names == ["not a member", "in recogniser", "in payer", "in several", "left"]
    assert (sizes[codes == 0] == 1.0).all()
    pipelines = [dict(views.pipeline(model, org)) for org in model.organisations]
    assert [p["submitted"] for p in pipelines] == [len(org.ideas) for org in model.organisations]
