"""Static checks of the production stack: compose, Dockerfile, Prometheus, alerts, Grafana.

Docker is not needed. promtool (Debian `prometheus` package, or a Prometheus release tarball) is
used when it is on PATH; those tests are skipped otherwise, and CI installs it.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
PROM_DIR = ROOT / "deploy" / "prometheus"
PROM_CONFIG = PROM_DIR / "prometheus.yml"
ALERTS = PROM_DIR / "alerts.yml"
ALERTS_TEST = PROM_DIR / "alerts_test.yml"
GRAFANA = ROOT / "deploy" / "grafana"
DASHBOARD = GRAFANA / "dashboards" / "khabar.json"
DATASOURCE = GRAFANA / "provisioning" / "datasources" / "prometheus.yml"
DASH_PROVIDER = GRAFANA / "provisioning" / "dashboards" / "khabar.yml"

TOPICS = ["news.raw", "news.normalized", "news.enriched", "news.deadletter", "news.alerts",
          "news.alert-rules", "news.trending"]
EXPECTED_ALERTS = {"KhabarWorkerDown", "KhabarNoWorkers", "KhabarConsumerLagGrowing", "KhabarDeadLetterRateHigh",
                   "KhabarStageStalled", "KhabarEndToEndLatencyHigh"}


# --------------------------------------------------------------------------- helpers

@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def env_of(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: str(v) for k, v in env.items()}


def as_argv(command) -> list[str]:
    return command.split() if isinstance(command, str) else [str(a) for a in command]


def option(argv: list[str], name: str) -> str | None:
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def healthcheck_cmd(service: dict) -> str:
    test = service["healthcheck"]["test"]
    return " ".join(test) if isinstance(test, list) else test


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with line continuations joined and comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        out.append((word.upper(), rest.strip()))
    return out


def final_stage(instructions):
    last_from = max(i for i, (word, _) in enumerate(instructions) if word == "FROM")
    return instructions[last_from:]


# ----------------------------------------------------------------- metric names used in PromQL

STANDARD_METRIC = re.compile(r"^(up|scrape_\w+|process_\w+|python_gc_\w+|python_info)$")
PROMQL_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool",
                   "offset", "inf", "nan", "atan2", "start", "end"}


def defined_metric_names() -> set[str]:
    """Every sample name the service exports, from the collector objects in agents.metrics."""
    from prometheus_client.metrics import MetricWrapperBase

    import agents.metrics as metrics_module

    suffixes = {
        "counter": ("_total", "_created"),
        "gauge": ("",),
        "histogram": ("_bucket", "_sum", "_count", "_created"),
        "summary": ("", "_sum", "_count", "_created"),
        "info": ("_info",),
        "stateset": ("",),
        "enum": ("",),
        "unknown": ("",),
    }
    names: set[str] = set()
    for obj in vars(metrics_module).values():
        if isinstance(obj, MetricWrapperBase):
            for family in obj.describe():
                names.update(family.name + s for s in suffixes[family.type])
    return names


def metric_names_in(expr: str) -> set[str]:
    """Metric names referenced by a PromQL expression (also with Grafana $variables)."""
    s = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`', '""', expr)   # string literals
    s = re.sub(r"\$\{[^}]*\}|\$\w+", "1", s)                                     # Grafana variables
    s = re.sub(r"\{[^}]*\}", "", s)                                              # label matchers
    s = re.sub(r"\[[^\]]*\]", "", s)                                             # ranges, subqueries
    s = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", s)  # label lists
    s = re.sub(r"\b\d+(\.\d+)?(e[+-]?\d+)?\b", " ", s)                          # numbers
    names = set()
    for m in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", s):
        word = m.group(0)
        following = s[m.end():].lstrip()
        if following.startswith("(") or word.lower() in PROMQL_KEYWORDS:
            continue  # a function or aggregation, or an operator keyword
        names.add(word)
    return names


def test_metric_name_extractor():
    expr = ('histogram_quantile(0.99, sum by (le, stage) (rate(khabar_stage_duration_seconds_bucket'
            '{instance=~"$instance", stage!="x"}[$__rate_interval]))) > 5 and on (stage) '
            'deriv((sum by (topic) (khabar_consumer_lag_messages))[10m:1m]) > 0 unless '
            'label_replace(up{job="khabar"}, "stage", "enrich", "topic", ".*") == bool 1e3')
    assert metric_names_in(expr) == {"khabar_stage_duration_seconds_bucket", "khabar_consumer_lag_messages", "up"}


def test_defined_metric_names():
    names = defined_metric_names()
    for expected in ("khabar_messages_total", "khabar_end_to_end_latency_seconds_bucket",
                     "khabar_stage_duration_seconds_count", "khabar_consumer_lag_messages",
                     "khabar_assigned_partitions", "khabar_rebalances_total", "khabar_build_info"):
        assert expected in names
    assert "khabar_messages" not in names  # counters are exported with _total only


def assert_known_metrics(expr: str, where: str, defined: set[str]) -> None:
    used = metric_names_in(expr)
    assert used, f"{where}: no metric found in {expr!r}"
    unknown = {n for n in used if n not in defined and not STANDARD_METRIC.match(n)}
    assert not unknown, f"{where}: unknown metric(s) {sorted(unknown)} in {expr!r}"


def test_unknown_metric_is_rejected():
    defined = defined_metric_names()
    assert_known_metrics("sum(rate(khabar_messages_total[5m])) + process_cpu_seconds_total", "ok", defined)
    for wrong in ("rate(khabar_messages[5m])",                   # counter without _total
                  "khabar_end_to_end_latency_seconds",           # histogram without a suffix
                  "sum(rate(khabar_message_total[5m]))"):        # typo
        with pytest.raises(AssertionError):
            assert_known_metrics(wrong, "wrong", defined)


# --------------------------------------------------------------------------- docker compose

def test_compose_services(services):
    assert {"kafka", "topics-init", "worker", "prometheus", "grafana"} <= set(services)


def test_kafka_is_official_image_in_kraft_combined_mode(services):
    kafka = services["kafka"]
    assert kafka["image"].split(":")[0] == "apache/kafka"
    env = env_of(kafka)
    assert set(env["KAFKA_PROCESS_ROLES"].replace(" ", "").split(",")) == {"broker", "controller"}
    node_id = env["KAFKA_NODE_ID"]
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == f"{node_id}@kafka:9093"
    assert env["KAFKA_CONTROLLER_LISTENER_NAMES"] == "CONTROLLER"
    assert "CONTROLLER://:9093" in env["KAFKA_LISTENERS"] and "PLAINTEXT://:9092" in env["KAFKA_LISTENERS"]
    assert env["KAFKA_ADVERTISED_LISTENERS"] == "PLAINTEXT://kafka:9092"
    assert "CONTROLLER:PLAINTEXT" in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"]
    # The controller listener must not be advertised to clients.
    assert "CONTROLLER" not in env["KAFKA_ADVERTISED_LISTENERS"]
    assert "ZOOKEEPER" not in " ".join(env)
    # Single broker: the internal topics must not ask for replicas that cannot exist.
    assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "1"
    assert env["KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"] == "1"
    assert "kafka-broker-api-versions.sh" in healthcheck_cmd(kafka)
    assert "/opt/kafka/bin/" in healthcheck_cmd(kafka)


def test_named_volumes(compose, services):
    declared = set(compose.get("volumes") or {})
    for name, mount_point in (("kafka", env_of(services["kafka"])["KAFKA_LOG_DIRS"]), ("prometheus", "/prometheus"),
                              ("grafana", "/var/lib/grafana")):
        sources = [str(v).split(":")[0] for v in services[name]["volumes"]
                   if str(v).split(":")[1] == mount_point]
        assert sources and sources[0] in declared, f"{name} needs a named volume at {mount_point}"
    # Replicated workers must not share one Faust data dir.
    for v in services["worker"].get("volumes") or []:
        assert str(v).split(":")[0] not in declared, "a named volume would be shared by all worker replicas"


def test_topics_init_creates_every_topic(services):
    init = services["topics-init"]
    assert init["image"] == services["kafka"]["image"]
    assert init["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert init.get("restart", "no") == "no"
    script = " ".join(as_argv(init["entrypoint"]) if init.get("entrypoint") else []) + "\n" + (
        init["command"] if isinstance(init["command"], str) else "\n".join(map(str, init["command"])))
    assert "/opt/kafka/bin/kafka-topics.sh" in script and "--if-not-exists" in script
    assert "--partitions" in script and env_of(init).get("PARTITIONS") == "8"
    for topic in TOPICS:
        assert re.search(rf"(\s|^){re.escape(topic)}(\s|$)", script), f"topic {topic} is not created"
    line = next(ln for ln in script.splitlines() if "news.alert-rules" in ln)
    assert "cleanup.policy=compact" in line


def test_topics_init_script_runs(services, tmp_path):
    """Run the topics-init shell script with kafka-topics.sh stubbed: 7 creations, 8 partitions each."""
    sh = shutil.which("sh")
    if sh is None:
        pytest.skip("no POSIX sh")
    init = services["topics-init"]
    script = init["command"][0] if isinstance(init["command"], list) else init["command"]
    stub = tmp_path / "kafka-topics.sh"
    stub.write_text('#!/bin/sh\necho "$@"\n')
    stub.chmod(0o755)
    script = script.replace("$$", "$").replace("/opt/kafka/bin/kafka-topics.sh", str(stub))
    env = {"PATH": "/usr/bin:/bin", **env_of(init)}
    out = subprocess.run([sh, "-c", script], check=False, env=env, capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    creates = [ln.split() for ln in out.stdout.splitlines() if "--create" in ln]
    assert sorted(option(c, "--topic") for c in creates) == sorted(TOPICS)
    assert all(option(c, "--partitions") == "8" and "--if-not-exists" in c for c in creates)
    compacted = [option(c, "--topic") for c in creates if "cleanup.policy=compact" in c]
    assert compacted == ["news.alert-rules"]


def worker_metrics_port(worker: dict) -> int:
    argv = as_argv(worker.get("command") or [])
    env = env_of(worker)
    port = option(argv, "--metrics-port") or env.get("KHABAR_METRICS_PORT")
    assert port is not None
    if option(argv, "--metrics-port") and env.get("KHABAR_METRICS_PORT"):
        assert option(argv, "--metrics-port") == env["KHABAR_METRICS_PORT"]
    return int(port)


def test_worker_service(services):
    worker = services["worker"]
    assert worker["build"]["context"] in (".", "./")
    assert worker["deploy"]["replicas"] == 2
    assert worker["depends_on"]["topics-init"]["condition"] == "service_completed_successfully"
    env = env_of(worker)
    assert env["KHABAR_BROKER"] == "kafka://kafka:9092"
    argv = as_argv(worker["command"])
    assert argv[0] == "worker"
    assert option(argv, "--broker") in (None, env["KHABAR_BROKER"])
    # The CLI binds 127.0.0.1 by default, unreachable from the Prometheus container.
    host = option(argv, "--metrics-host") or env.get("KHABAR_METRICS_HOST")
    assert host == "0.0.0.0"
    port = worker_metrics_port(worker)
    # replicas=2: a fixed host port would collide between replicas.
    for mapping in worker.get("ports") or []:
        assert ":" not in str(mapping), f"fixed host port {mapping} breaks replicas > 1"
    check = healthcheck_cmd(worker)
    assert "/healthz" in check and str(port) in check
    assert "curl" not in check  # python:3.11-slim has no curl


def test_prometheus_service_mounts_config_and_alerts(services):
    prom = services["prometheus"]
    assert prom["image"].split(":")[0] in ("prom/prometheus", "quay.io/prometheus/prometheus")
    mounts = {str(v).split(":")[1]: str(v).split(":")[0] for v in prom["volumes"]}
    config_flag = next(a for a in as_argv(prom["command"]) if a.startswith("--config.file="))
    config_path = config_flag.split("=", 1)[1]
    config_dir = str(Path(config_path).parent)
    assert config_dir in mounts, "the config directory is not mounted"
    host_dir = (ROOT / mounts[config_dir]).resolve()
    assert host_dir == PROM_DIR.resolve()
    assert (host_dir / Path(config_path).name).is_file()
    # rule_files are resolved against the config file's directory inside the container.
    config = yaml.safe_load(PROM_CONFIG.read_text())
    assert "alerts.yml" in config["rule_files"]
    for rule_file in config["rule_files"]:
        assert (host_dir / rule_file).is_file()
    assert any(str(p).startswith("9090") for p in prom["ports"])


def test_grafana_service(services):
    grafana = services["grafana"]
    assert grafana["image"].split(":")[0] == "grafana/grafana"
    assert any(str(p).startswith("3000") for p in grafana["ports"])
    mounts = {str(v).split(":")[1]: str(v).split(":")[0] for v in grafana["volumes"]}
    assert (ROOT / mounts["/etc/grafana/provisioning"]).resolve() == (GRAFANA / "provisioning").resolve()
    provider = yaml.safe_load(DASH_PROVIDER.read_text())["providers"][0]
    dash_dir = provider["options"]["path"]
    assert (ROOT / mounts[dash_dir]).resolve() == DASHBOARD.parent.resolve()
    env = env_of(grafana)
    assert env.get("GF_AUTH_ANONYMOUS_ENABLED") == "true" or "GF_SECURITY_ADMIN_PASSWORD" in env


# ---------------------------------------------------------------------------- Dockerfile

def test_dockerfile():
    instructions = dockerfile_instructions()
    runtime = final_stage(instructions)
    from_args = [rest for word, rest in instructions if word == "FROM"]
    arg_defaults = dict(re.match(r"(\w+)=(\S+)", rest).groups() for word, rest in instructions
                        if word == "ARG" and "=" in rest)
    images = [re.sub(r"\$\{?(\w+)\}?", lambda m: arg_defaults.get(m.group(1), m.group(0)), f.split()[0])
              for f in from_args]
    assert images[-1] == "python:3.11-slim"
    assert any(word == "RUN" and re.search(r"pip install (\S+ )*\.(\s|$)", rest) for word, rest in instructions)
    users = [rest for word, rest in runtime if word == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0"), "the final image must not run as root"
    assert users[-1].split(":")[0] == "khabar"
    assert any(word == "RUN" and "useradd" in rest and "khabar" in rest for word, rest in runtime)
    assert ("EXPOSE", "9108") in runtime
    health = [rest for word, rest in runtime if word == "HEALTHCHECK"]
    assert health and "/healthz" in health[-1] and "urllib" in health[-1] and "curl" not in health[-1]
    entrypoint = [json.loads(rest) for word, rest in runtime if word == "ENTRYPOINT"]
    assert entrypoint[-1] == ["khabar"]
    cmd = [json.loads(rest) for word, rest in runtime if word == "CMD"][-1]
    assert cmd[0] == "worker"
    assert option(cmd, "--metrics-host") == "0.0.0.0"
    assert option(cmd, "--metrics-port") == "9108"


def test_dockerignore():
    patterns = {ln.strip().rstrip("/") for ln in DOCKERIGNORE.read_text().splitlines()
                if ln.strip() and not ln.startswith("#")}
    assert {".venv", ".git"} <= patterns
    assert "tests" in patterns or "tests/data" in patterns
    # Everything `pip install .` needs must stay in the context.
    for needed in ("pyproject.toml", "README.md", "agents", "streams", "schemas"):
        assert needed not in patterns


# ---------------------------------------------------------------------------- Prometheus

def test_scrape_target_port_matches_worker(services):
    config = yaml.safe_load(PROM_CONFIG.read_text())
    assert config["global"]["scrape_interval"] == "15s"
    job = next(j for j in config["scrape_configs"] if j["job_name"] == "khabar")
    port = worker_metrics_port(services["worker"])
    targets = []
    for sd in job.get("dns_sd_configs") or []:
        assert sd.get("type", "SRV") == "A", "compose DNS has no SRV records"
        targets += [(name, int(sd["port"])) for name in sd["names"]]
    for sc in job.get("static_configs") or []:
        targets += [(t.rsplit(":", 1)[0], int(t.rsplit(":", 1)[1])) for t in sc["targets"]]
    assert targets
    for host, target_port in targets:
        assert host in ("worker", "tasks.worker")
        assert target_port == port
    assert job.get("metrics_path", "/metrics") == "/metrics"
    assert str(port) in {str(p) for p in services["worker"].get("expose", [port])}


def alert_rules() -> list[dict]:
    return [rule for group in yaml.safe_load(ALERTS.read_text())["groups"] for rule in group["rules"]]


def test_alert_rules_shape():
    rules = alert_rules()
    names = {r["alert"] for r in rules if "alert" in r}
    assert EXPECTED_ALERTS <= names
    for rule in rules:
        if "alert" not in rule:
            continue
        assert rule["labels"]["severity"] in ("warning", "critical"), rule["alert"]
        for key in ("summary", "description", "runbook"):
            assert rule["annotations"].get(key), f"{rule['alert']}: missing annotation {key}"
    by_name = {r["alert"]: r for r in rules if "alert" in r}
    assert by_name["KhabarWorkerDown"]["expr"].strip() == 'up{job="khabar"} == 0'
    assert by_name["KhabarWorkerDown"]["for"] == "2m"
    assert by_name["KhabarConsumerLagGrowing"]["for"] == "10m"
    assert "deriv(" in by_name["KhabarConsumerLagGrowing"]["expr"]
    assert "histogram_quantile(0.99" in by_name["KhabarEndToEndLatencyHigh"]["expr"]


def test_alert_exprs_use_only_defined_metrics():
    defined = defined_metric_names()
    for rule in alert_rules():
        assert_known_metrics(rule["expr"], rule.get("alert") or rule.get("record"), defined)


def test_every_alert_has_a_unit_test():
    tests = yaml.safe_load(ALERTS_TEST.read_text())
    assert tests["rule_files"] == ["alerts.yml"]
    fired, silent = set(), set()
    for case in tests["tests"]:
        for check in case.get("alert_rule_test", []):
            (fired if check.get("exp_alerts") else silent).add(check["alertname"])
    names = {r["alert"] for r in alert_rules() if "alert" in r}
    assert names <= fired, f"alerts never shown firing: {sorted(names - fired)}"
    assert names <= silent, f"alerts never shown silent: {sorted(names - silent)}"


# ---------------------------------------------------------------------------- Grafana

def all_panels(panels):
    for panel in panels:
        yield panel
        yield from all_panels(panel.get("panels", []))


def test_grafana_datasource_and_provider():
    ds = yaml.safe_load(DATASOURCE.read_text())["datasources"]
    prom = next(d for d in ds if d["type"] == "prometheus")
    assert prom["url"] == "http://prometheus:9090"
    assert prom["uid"] == "prometheus"
    provider = yaml.safe_load(DASH_PROVIDER.read_text())
    assert provider["apiVersion"] == 1 and provider["providers"][0]["type"] == "file"


def test_dashboard_json():
    dash = json.loads(DASHBOARD.read_text())
    assert dash["uid"] and dash["title"]
    assert 36 <= dash["schemaVersion"] <= 41
    ds_uid = yaml.safe_load(DATASOURCE.read_text())["datasources"][0]["uid"]
    panels = list(all_panels(dash["panels"]))
    ids = [p["id"] for p in panels]
    assert len(ids) == len(set(ids)), "panel ids must be unique"
    for panel in panels:
        gp = panel["gridPos"]
        assert 0 <= gp["x"] and gp["x"] + gp["w"] <= 24, panel["title"]
        if panel["type"] == "row":
            continue
        assert panel["datasource"]["uid"] == ds_uid, panel["title"]
        assert panel["targets"], panel["title"]
        for t in panel["targets"]:
            assert t["datasource"]["uid"] == ds_uid and t["expr"].strip(), panel["title"]
    for var in dash["templating"]["list"]:
        if var["type"] == "query":
            assert var["datasource"]["uid"] == ds_uid
    # The panels the on-call needs.
    exprs = " ".join(t["expr"] for p in panels for t in p.get("targets", []))
    for needed in ("khabar_messages_total", "khabar_end_to_end_latency_seconds_bucket", "khabar_consumer_lag_messages",
                   "khabar_deadletter_total", "khabar_entities_total", "khabar_rebalances_total",
                   "khabar_messages_in_flight", "khabar_stage_duration_seconds_bucket"):
        assert needed in exprs, f"no panel uses {needed}"


def dashboard_exprs() -> list[tuple[str, str]]:
    dash = json.loads(DASHBOARD.read_text())
    out = [(p["title"], t["expr"]) for p in all_panels(dash["panels"]) for t in p.get("targets", [])]
    out += [(f"variable {v['name']}", v["definition"]) for v in dash["templating"]["list"] if v.get("definition")]
    return out


def test_dashboard_exprs_use_only_defined_metrics():
    defined = defined_metric_names()
    for title, expr in dashboard_exprs():
        if expr.startswith("label_values("):  # Grafana function, not PromQL
            expr = expr[len("label_values("):].rsplit(",", 1)[0]
        assert_known_metrics(expr, title, defined)


# ---------------------------------------------------------------------------- promtool

PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(
    PROMTOOL is None, reason="promtool not on PATH (apt-get install prometheus, or a Prometheus release); CI installs it")


def promtool(*args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([PROMTOOL, *args], check=False, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, f"promtool {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


@needs_promtool
def test_promtool_check_config():
    promtool("check", "config", str(PROM_CONFIG))


@needs_promtool
def test_promtool_check_rules():
    promtool("check", "rules", str(ALERTS))


@needs_promtool
def test_promtool_test_rules():
    promtool("test", "rules", str(ALERTS_TEST))


@needs_promtool
def test_dashboard_exprs_parse(tmp_path):
    """Every dashboard query is valid PromQL once Grafana's variables are substituted."""
    rules = []
    for i, (title, expr) in enumerate(dashboard_exprs()):
        if expr.startswith("label_values("):
            continue
        expr = expr.replace("$__rate_interval", "1m").replace("$instance", ".*")
        rules.append({"record": f"dashboard:query_{i}", "expr": expr})
    path = tmp_path / "dashboard_rules.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    promtool("check", "rules", str(path))
