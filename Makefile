# Two commands on a fresh clone: `make run` and `make test`.
# Each creates the project-local virtual environment .venv when needed and reinstalls
# into it only when pyproject.toml has changed (the stamp file records the last install).

PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.install.stamp
PYTEST_ARGS ?= -n 2

.PHONY: run test venv clean

run: $(STAMP)
	$(VENV)/bin/cfcity serve

# pytest's own exit code is make's exit code; 5 ("no tests ran") fails too.
test: $(STAMP)
	$(VENV)/bin/pytest $(PYTEST_ARGS)

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

clean:
	rm -rf $(VENV) build *.egg-info
