# dyadwatch: `make run` starts everything locally, `make test` runs the whole test suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DATA   ?= $(CURDIR)/.dyadwatch/local
export DYADWATCH_DATA_DIR ?= $(DATA)

.PHONY: install run stop test unit integration schemas lint

$(BIN)/dyadwatch: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/dyadwatch

## run: local Kafka + worker in the background, then publish the sample article and show the results
run: install
	@$(BIN)/dyadwatch kafka start --human
	@$(BIN)/dyadwatch topics --json > /dev/null
	@mkdir -p $(DATA)
	@if [ -f $(DATA)/worker.pid ] && kill -0 $$(cat $(DATA)/worker.pid) 2>/dev/null; then \
	  echo "worker already running (pid $$(cat $(DATA)/worker.pid)), log: $(DATA)/worker.log"; \
	else \
	  nohup $(BIN)/dyadwatch worker > $(DATA)/worker.log 2>&1 & echo $$! > $(DATA)/worker.pid; \
	  echo "worker started (pid $$(cat $(DATA)/worker.pid)), log: $(DATA)/worker.log"; \
	fi
	@$(BIN)/dyadwatch publish --human tests/data/samples/china-iran-defense-cooperation.txt | tee $(DATA)/published
	@echo; echo "--- the sample article as the worker enriched it (waiting up to 60 s) ---"
	@$(BIN)/dyadwatch tail enriched --from-beginning --key "$$(head -1 $(DATA)/published)" -n 1 --timeout 60 --human
	@echo "--- the relations table ---"
	@$(BIN)/dyadwatch relations --human
	@echo
	@url=""; for i in $$(seq 1 120); do \
	  url=$$(grep -o 'web view: http[^ ]*' $(DATA)/worker.log | tail -1 | cut -d' ' -f3); \
	  [ -n "$$url" ] && break; sleep 0.5; \
	done; \
	echo "Look here:  $${url:-(the web view is not up: see $(DATA)/worker.log)}   (the live relations view)"
	@echo "            $(BIN)/dyadwatch tail alerts --from-beginning"
	@echo "            $(BIN)/dyadwatch relations"
	@echo "Stop with:  make stop"

stop:
	-@[ -f $(DATA)/worker.pid ] && kill $$(cat $(DATA)/worker.pid) && rm -f $(DATA)/worker.pid && echo "worker stopped"
	-$(BIN)/dyadwatch kafka stop

## test: the whole suite (unit, integration on a real local Kafka, e2e)
test: install
	$(BIN)/python -m pytest

unit: install
	$(BIN)/python -m pytest tests/unit

integration: install
	$(BIN)/python -m pytest tests/integration

schemas: install
	$(BIN)/dyadwatch schemas

lint: install
	$(BIN)/ruff check streams tests bench tools
	$(BIN)/mypy
