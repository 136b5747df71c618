# Lianbing: `make run` serves a seeded platform, `make test` runs the suite, `make lint` checks style.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
WORKERS ?= 2
#: pytest-xdist processes (each gets its own test database)
TEST_WORKERS ?= 2
export FLASK_APP := wsgi

.PHONY: run test test-sqlite test-postgres lint bench screenshots install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask demo --if-empty
	@echo "练兵已启动: http://127.0.0.1:$(PORT)  (演示账号见上，密码 lianbing-demo)"
	@echo "通知提醒: 定时运行 $(BIN)/flask --app wsgi notify run （如 cron 每 10 分钟；SMTP_HOST 等见 README）"
	@# with REDIS_URL, long work (whole-city exports, imports, notification sends) runs on an RQ
	@# worker started beside the web server and stopped with it; without, it runs in the request
	@if [ -n "$$REDIS_URL" ]; then \
		echo "后台任务: REDIS_URL 已设置，启动 RQ worker（flask jobs worker）"; \
		$(BIN)/flask jobs worker & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(BIN)/gunicorn --workers $(WORKERS) --bind 127.0.0.1:$(PORT) --access-logfile - wsgi:app; \
	else \
		$(BIN)/gunicorn --workers $(WORKERS) --bind 127.0.0.1:$(PORT) --access-logfile - wsgi:app; \
	fi

test: install-dev
	env -u TEST_DATABASE_URL $(BIN)/pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadgroup tests
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== again on $$TEST_DATABASE_URL"; \
		$(BIN)/pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadgroup tests; \
	fi

#: every page of every role at 390×844 and 1280×800, saved for review (the same checks as in `make test`)
SCREENSHOTS ?= instance/screenshots
screenshots: install-dev
	rm -rf $(SCREENSHOTS)
	SCREENSHOTS=$(abspath $(SCREENSHOTS)) $(BIN)/pytest -q -p no:cacheprovider tests/a11y/test_screens.py
	@echo "截图已保存到 $(SCREENSHOTS)/<角色>/<宽x高>/<页面>.png"

lint: install-dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: install-dev
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) instance/test*.db*
