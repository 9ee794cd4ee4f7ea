"""The teaching dashboard (``cocreate dashboard``) and its GIF export (``cocreate animate``).

Pure pieces (no Solara): :mod:`.controls` (controls generated from the scenario dataclasses),
:mod:`.arms` (the arms run side by side in step), :mod:`.presets` (one per belief),
:mod:`.views` (what the network, plots, pipeline and headline figures show, drawn with
matplotlib). :mod:`.state` holds a session's settings, :mod:`.sidebar` its controls and
:mod:`.page` the Solara page built from them; ``simulation/dashboard/app.py`` serves it.
"""

SCENARIO_ENV = "COCREATE_DASHBOARD_SCENARIO"  # `cocreate dashboard SCENARIO.toml` -> the page
