# Two commands on a fresh clone: `make run` and `make test`.
# Each creates the project-local virtual environment .venv when needed and reinstalls
# into it only when pyproject.toml has changed (the stamp file records the last install);
# likewise the front-end packages (node_modules/, served by the app) when package-lock.json has.

PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.install.stamp
NODE_STAMP := node_modules/.install.stamp
PYTEST_ARGS ?= -n 2 --dist loadgroup
CHROMIUM := /usr/bin/chromium
# the CJK font the Word charts are drawn with (cfcity/monitoring/fonts.py looks for the same)
CJK_FONTS := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc /usr/share/fonts/truetype/wqy/wqy-microhei.ttc

.PHONY: run test venv chromium libreoffice cjk-font clean

run: $(STAMP) $(NODE_STAMP) cjk-font libreoffice
	$(VENV)/bin/cfcity serve

# pytest's own exit code is make's exit code; 5 ("no tests ran") fails too.
test: $(STAMP) $(NODE_STAMP) chromium libreoffice cjk-font
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

# The PDF of the annual monitoring report is converted from Word by LibreOffice (soffice).
# Silent when it is there; as root install LibreOffice Writer without the desktop; otherwise
# say how — and stop for `make test` (its tests convert a report), not for `make run` (the
# site works without it; only the PDF download says LibreOffice is missing).
run: LIBREOFFICE_OPTIONAL := 1
libreoffice:
	@if ! command -v soffice >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "== installing LibreOffice Writer for the PDF reports =="; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui && command -v soffice >/dev/null; \
	  else \
	    echo "生成 PDF 报告需要 LibreOffice（soffice），本机没有安装：请运行  sudo apt-get install -y --no-install-recommends libreoffice-writer-nogui" >&2; \
	    echo "PDF reports need LibreOffice (soffice): run  sudo apt-get install -y --no-install-recommends libreoffice-writer-nogui" >&2; \
	    [ -n "$(LIBREOFFICE_OPTIONAL)" ]; \
	  fi; \
	fi

# Charts in Word documents need a CJK font (else every Chinese label prints as boxes).
# Silent when one is there or CFCITY_CJK_FONT names one; as root install Debian's
# fonts-wqy-zenhei; otherwise say how (the site still runs; the Word export says it too).
cjk-font:
	@found="$$CFCITY_CJK_FONT"; for f in $(CJK_FONTS); do [ -e "$$f" ] && found="$$f"; done; \
	if [ -z "$$found" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "== installing Debian's fonts-wqy-zenhei for the charts in Word documents =="; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-zenhei; \
	  else \
	    echo "图表需要中文字体，本机没有安装：请运行  sudo apt-get install fonts-wqy-zenhei（或用 CFCITY_CJK_FONT 指定字体文件）" >&2; \
	    echo "Charts need a CJK font: run  sudo apt-get install fonts-wqy-zenhei  (or set CFCITY_CJK_FONT to a font file)" >&2; \
	  fi; \
	fi

venv: $(STAMP) $(NODE_STAMP)

$(STAMP): pyproject.toml
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

# Front-end packages (ECharts), exactly as package-lock.json pins them; the app serves them
# from node_modules/ through Django's staticfiles and refuses to start without them.
$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { \
	  echo "需要 npm 来安装前端依赖：请运行  sudo apt-get install nodejs npm" >&2; \
	  echo "npm is needed to install the front-end packages: run  sudo apt-get install nodejs npm" >&2; \
	  exit 1; }
	npm ci --no-audit --no-fund
	@touch $(NODE_STAMP)

# The offline install bundle (wheels, collected static files, examples): dist/cfcity-<version>-<tag>.tar.gz;
# deploy/check-bundle.sh installs it with pip's network off and runs cfcity check (docs/deployment.md)
.PHONY: bundle
bundle: $(STAMP) $(NODE_STAMP)
	$(VENV)/bin/python deploy/bundle.py --out dist

# The production profile on this machine under load, with a web instance and the worker killed
# and restarted (deploy/local-cluster.sh; docs/benchmarks.md). CI: make cluster CLUSTER_ARGS=--ci
.PHONY: cluster
cluster: $(STAMP) $(NODE_STAMP)
	deploy/local-cluster.sh $(CLUSTER_ARGS)

clean:
	rm -rf $(VENV) node_modules build dist *.egg-info
