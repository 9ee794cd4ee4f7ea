# cocreate — the two commands of the README:
#   make run    set up (Python >= 3.12 venv, dependencies) and run the main job: the five
#               beliefs answered, results/myths/report.html
#   make test   set up and run the whole test suite (lint, unit, invariants, statistics, CLI)
# Other targets: setup, lint, format, bench (options through BENCH_ARGS, e.g.
# make bench BENCH_ARGS="--scenario scenarios/rivals.toml"), clean.

VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PYTEST_WORKERS ?= 2
BENCH_ARGS ?=

# One small run compiles every kernel of the day (simulation/model/kernels/), so the first real
# run, and parallel test workers, load them from disk instead of compiling them side by side.
define WARM_UP
from simulation import Scenario, run_scenario
from simulation.scenario import apply_overrides
run_scenario(apply_overrides(Scenario(), ["run.days=120", "community.consumers=400"]), seed=1)
endef
export WARM_UP

.PHONY: run setup test lint format bench clean

run: setup
	$(BIN)/cocreate myths --quick

setup: $(STAMP)

$(STAMP): pyproject.toml tools/find-python.sh
	@python=$$(tools/find-python.sh) || exit 1; \
	if [ ! -x $(BIN)/python ] || ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
		echo "Creating $(VENV) with $$python"; rm -rf $(VENV); "$$python" -m venv $(VENV) || exit 1; \
	fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,dask,viz,discover,optimise,calibrate]"
	@echo "Compiling the model's kernels once (numba keeps them on disk; about 15 s)"
	$(BIN)/python -c "$$WARM_UP"
	@rm -f $(VENV)/.installed-*; touch $@

lint: setup
	$(BIN)/ruff check simulation tests benchmarks
	$(BIN)/ruff format --check simulation tests benchmarks

format: setup
	$(BIN)/ruff format simulation tests benchmarks
	$(BIN)/ruff check --fix simulation tests benchmarks

test: lint
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadscope

bench: setup
	$(BIN)/python benchmarks/bench_model.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
