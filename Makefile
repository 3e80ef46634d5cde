# The two commands of the README. Both do the whole set-up on a fresh Debian machine.
.PHONY: demo demo-check test image-check lint db-stop

demo:        ## set up and run the demo on http://127.0.0.1:8000
	bash scripts/demo.sh

demo-check:  ## set up the demo, check that it serves, stop
	bash scripts/demo.sh --check

test:        ## set up and run the whole test suite
	bash scripts/test.sh

image-check: ## build the production image with podman, serve it, check it (CI, after the tests)
	bash scripts/image-check.sh

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy

db-stop:     ## stop the private PostgreSQL cluster
	bash -c 'source scripts/lib.sh && stop_database'
