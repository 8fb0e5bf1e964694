# Two commands on a fresh clone: `make run` and `make test`.
# Each creates the project-local virtual environment .venv when needed and reinstalls
# into it only when pyproject.toml has changed (the stamp file records the last install).

PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.install.stamp
PYTEST_ARGS ?= -n 2
CHROMIUM := /usr/bin/chromium

.PHONY: run test venv chromium clean

run: $(STAMP)
	$(VENV)/bin/cfcity serve

# pytest's own exit code is make's exit code; 5 ("no tests ran") fails too.
test: $(STAMP) chromium
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# The browser tests (tests/browser/) drive Debian's chromium. Silent when it is there;
# as root (CI) install it with a CJK font for the screenshots; otherwise stop and say so.
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "== installing Debian's chromium for the browser tests =="; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei && test -x $(CHROMIUM); \
	  else \
	    echo "浏览器测试需要 Debian 的 chromium（$(CHROMIUM)），本机没有安装。" >&2; \
	    echo "Browser tests need Debian's chromium at $(CHROMIUM): run  sudo apt-get install chromium fonts-wqy-zenhei" >&2; \
	    exit 1; \
	  fi; \
	fi

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

clean:
	rm -rf $(VENV) build *.egg-info
