# Spark example (examples/spark): the bundled registry evaluated inside PySpark local mode with
# mapInArrow, checked against the single-process result. Kept out of `make test` (a JVM start
# costs tens of seconds); CI runs `make spark-test` on its own.
#
#   make spark-test   .venv-spark (pinned PySpark) + the python-wheel build + pytest examples/spark
#
# Idempotent: the venv is created and filled only when something is missing, the wheel of
# mk/python.mk is reused (built only when a source changed) and reinstalled only when newer,
# and Java is installed from Debian only when no `java` is on the PATH.

SPARK_VENV := .venv-spark
SPARK_PYTHON := $(SPARK_VENV)/bin/python
SPARK_REQUIREMENTS := examples/spark/requirements.txt
SPARK_STAMP := $(SPARK_VENV)/.xinyong-wheel.installed
PYTEST_SPARK := $(SPARK_PYTHON) -m pytest -p no:cacheprovider -q examples/spark

.PHONY: spark-java spark-venv spark-wheel spark-test

spark-java:
	@$(call step,Java for Spark)
	@command -v java >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless; }
	@java -version 2>&1 | head -n 1

spark-venv:
	@$(call step,Spark virtual environment)
	PYTHON='$(PYTHON)' VENV='$(abspath $(SPARK_VENV))' scripts/ensure-venv.sh $(SPARK_REQUIREMENTS)

# The wheel python-wheel built (abi3: one wheel for every CPython >= 3.9), installed into the
# Spark venv when it is newer than the last install.
$(SPARK_STAMP): $(PY_WHEEL_STAMP) $(SPARK_REQUIREMENTS)
	@$(call step,install the xinyong wheel into $(SPARK_VENV))
	$(SPARK_PYTHON) -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps '$(PY_WHEEL_DIR)'/xinyong-*.whl
	touch '$@'

spark-wheel: python-wheel spark-venv $(SPARK_STAMP)

# pytest exits 5 when it collects no tests; that is a failure here, never swallowed.
spark-test: spark-java spark-wheel ## Evaluate the sample registry in PySpark (mapInArrow) and compare with one process
	@$(call step,pytest examples/spark)
	@status=0; $(PYTEST_SPARK) || status=$$?; \
	if [ "$$status" -eq 5 ]; then echo 'pytest collected no tests: failing' >&2; fi; \
	exit "$$status"
