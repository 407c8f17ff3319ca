"""deploy/k8s: the committed manifests are generate.py's output, and what `kubectl kustomize`
renders from them follows our rules (no API server runs here, so no `--dry-run`): known kinds and
apiVersions, probes, resources, named ports, non-root pods, selectors that select, only the image,
ports and variables the binaries use, and agreement with services/services.tsv."""
from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from binary_env import GATEWAY, variables_read
from services_list import read_services

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
SERVICES = read_services()
BY_NAME = {s["name"]: s for s in SERVICES}
IMAGE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["gateway"]["image"]
API_VERSIONS = {
    "Deployment": "apps/v1", "StatefulSet": "apps/v1", "Service": "v1", "ConfigMap": "v1",
    "Secret": "v1", "PodDisruptionBudget": "policy/v1",
    "HorizontalPodAutoscaler": "autoscaling/v2",
}


def load_generator():
    spec = importlib.util.spec_from_file_location("k8s_generate", K8S / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_manifests_are_what_the_generator_writes():
    files = load_generator().render()
    on_disk = {p.name for p in K8S.glob("*.yaml")}
    assert on_disk == set(files), "run: python3 deploy/k8s/generate.py"
    stale = [n for n, text in files.items() if (K8S / n).read_text() != text]
    assert not stale, f"{stale} differ from generate.py's output; run: python3 deploy/k8s/generate.py"


def test_the_generator_check_mode_reports_a_hand_edit(tmp_path):
    copy = tmp_path / "deploy" / "k8s"
    shutil.copytree(K8S, copy)
    (tmp_path / "tests").symlink_to(ROOT / "tests")
    (tmp_path / "services").symlink_to(ROOT / "services")
    check = ["/usr/bin/python3", str(copy / "generate.py"), "--check"]
    assert subprocess.run(check, capture_output=True).returncode == 0
    gateway = copy / "gateway.yaml"
    gateway.write_text(gateway.read_text().replace("minReplicas: 2", "minReplicas: 3"))
    done = subprocess.run(check, capture_output=True, text=True)
    assert done.returncode == 1 and "gateway.yaml" in done.stderr


@pytest.fixture(scope="module")
def rendered() -> list[dict]:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed (deploy/dev/lib.sh's fg_install installs "
                    "Debian's kubernetes-client); the manifests were not rendered")
    done = subprocess.run([kubectl, "kustomize", str(K8S)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return [d for d in yaml.safe_load_all(done.stdout) if d]


def of_kind(docs: list[dict], kind: str) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def container(workload: dict) -> dict:
    containers = workload["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


def env_of(c: dict) -> dict[str, dict]:
    return {e["name"]: e for e in c.get("env", [])}


def ours(rendered: list[dict]) -> dict[str, dict]:
    """The Deployments of our image: the services and the gateway (not NATS)."""
    return {n: d for n, d in of_kind(rendered, "Deployment").items() if n != "nats"}


def address(row: dict) -> str:
    """A replicated service is addressed through its headless Service, every pod of it."""
    return f"dns:///{row['name']}:{row['grpc_port']}" if row["replicated"] else \
        f"{row['name']}:{row['grpc_port']}"


def test_every_document_has_a_known_kind_and_its_api_version_and_a_unique_name(rendered):
    seen = set()
    for doc in rendered:
        assert API_VERSIONS.get(doc["kind"]) == doc["apiVersion"], (doc["kind"], doc["apiVersion"])
        key = (doc["kind"], doc["metadata"]["name"])
        assert key not in seen
        seen.add(key)


def test_one_deployment_service_and_disruption_budget_per_listed_service_and_the_gateway(rendered):
    names = {s["name"] for s in SERVICES} | {"gateway"}
    assert set(of_kind(rendered, "Deployment")) == names | {"nats"}
    assert set(of_kind(rendered, "Service")) == names | {"mariadb", "nats"}
    assert set(of_kind(rendered, "PodDisruptionBudget")) == names
    assert set(of_kind(rendered, "HorizontalPodAutoscaler")) == {"gateway"}
    assert set(of_kind(rendered, "StatefulSet")) == {"mariadb"}


def test_selectors_select_the_pods_of_their_workload(rendered):
    workloads = of_kind(rendered, "Deployment") | of_kind(rendered, "StatefulSet")
    for name, workload in workloads.items():
        pod_labels = workload["spec"]["template"]["metadata"]["labels"]
        match = workload["spec"]["selector"]["matchLabels"]
        assert match and match.items() <= pod_labels.items(), name
        service = of_kind(rendered, "Service")[name]
        assert service["spec"]["selector"].items() <= pod_labels.items(), name
        budget = of_kind(rendered, "PodDisruptionBudget").get(name)
        if budget:
            assert budget["spec"]["selector"]["matchLabels"].items() <= pod_labels.items(), name
            replicas = workload["spec"]["replicas"]
            # a budget must never block a node drain: with one replica it allows one eviction
            assert budget["spec"].get("minAvailable", 0) < replicas, name


def test_every_container_has_probes_resources_named_ports_and_runs_unprivileged(rendered):
    dockerfile = (ROOT / "deploy" / "docker" / "Dockerfile").read_text()
    uid = int(re.search(r"^USER (\d+):\d+$", dockerfile, re.M).group(1))
    workloads = of_kind(rendered, "Deployment") | of_kind(rendered, "StatefulSet")
    for name, workload in workloads.items():
        c = container(workload)
        for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
            assert probe in c, f"{name}: no {probe}"
        for kind in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(c["resources"][kind]), f"{name}: {kind}"
        assert c["ports"] and all(p.get("name") for p in c["ports"]), f"{name}: unnamed port"
        pod = workload["spec"]["template"]["spec"]["securityContext"]
        assert pod["runAsNonRoot"] is True and pod["runAsUser"] > 0, name
        assert c["securityContext"]["allowPrivilegeEscalation"] is False, name
        assert c["securityContext"]["capabilities"]["drop"] == ["ALL"], name
        if workload["kind"] == "Deployment":
            assert pod["runAsUser"] == uid, f"{name}: the image's user is {uid}"
            assert c["securityContext"]["readOnlyRootFilesystem"] is True, name


def test_services_probe_grpc_health_on_their_port(rendered):
    for row in SERVICES:
        c = container(of_kind(rendered, "Deployment")[row["name"]])
        metrics_port = int(env_of(c)["METRICS_PORT"]["value"])
        assert c["ports"] == [{"name": "grpc", "containerPort": row["grpc_port"], "protocol": "TCP"},
                              {"name": "metrics", "containerPort": metrics_port, "protocol": "TCP"}]
        for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
            assert c[probe]["grpc"] == {"port": row["grpc_port"]}, (row["name"], probe)


def test_prometheus_annotations_name_each_pod_s_metrics_port(rendered):
    for name, deployment in ours(rendered).items():
        annotations = deployment["spec"]["template"]["metadata"]["annotations"]
        ports = {p["name"]: p["containerPort"] for p in container(deployment)["ports"]}
        metrics = ports["http" if name == "gateway" else "metrics"]
        assert annotations == {"prometheus.io/scrape": "true", "prometheus.io/port": str(metrics),
                               "prometheus.io/path": "/metrics"}, name


def test_the_gateway_probes_readyz_for_readiness_and_healthz_for_liveness(rendered):
    c = container(of_kind(rendered, "Deployment")["gateway"])
    assert c["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert c["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert c["ports"][0]["name"] == "http"
    assert str(c["ports"][0]["containerPort"]) == env_of(c)["GATEWAY_PORT"]["value"]


def test_services_expose_the_container_port_under_its_name(rendered):
    for name, deployment in of_kind(rendered, "Deployment").items():
        ports = {p["name"]: p["containerPort"] for p in container(deployment)["ports"]}
        for port in of_kind(rendered, "Service")[name]["spec"]["ports"]:
            assert port.get("name"), f"{name}: an unnamed Service port"
            assert port["targetPort"] in ports and port["port"] == ports[port["targetPort"]], name


def test_deployments_run_the_compose_image_with_a_binary_of_the_list(rendered):
    binaries = {s["name"]: s["binary"] for s in SERVICES} | {"gateway": GATEWAY}
    for name, deployment in ours(rendered).items():
        c = container(deployment)
        assert c["image"] == IMAGE, name
        assert c["command"] == [binaries[name]], name
    assert re.fullmatch(r"mariadb:10\.\d+", container(of_kind(rendered, "StatefulSet")["mariadb"])["image"])


def binary_of(deployment: dict) -> str:
    return container(deployment)["command"][0]


def test_every_variable_given_is_read_by_the_binary_and_every_required_one_is_given(rendered):
    for name, deployment in ours(rendered).items():
        given = set(env_of(container(deployment)))
        reads = variables_read(binary_of(deployment))
        assert given - set(reads) == set(), f"{name}: its binary reads none of these"
        assert {n for n, v in reads.items() if v.required} - given == set(), name
        assert "envFrom" not in container(deployment), f"{name}: give variables one by one"


def test_services_get_their_port_database_and_the_addresses_of_what_they_need(rendered):
    addr_envs = {s["addr_env"] for s in SERVICES}
    for row in SERVICES:
        env = env_of(container(of_kind(rendered, "Deployment")[row["name"]]))
        assert env[row["port_env"]]["value"] == str(row["grpc_port"])
        assert env["DB_NAME"]["value"] == row["database"]
        wanted = {BY_NAME[n]["addr_env"]: address(BY_NAME[n]) for n in row["needs"]}
        assert {k: env[k]["value"] for k in env if k in addr_envs} == wanted, row["name"]


def test_the_gateway_gets_every_address(rendered):
    env = env_of(container(of_kind(rendered, "Deployment")["gateway"]))
    for row in SERVICES:
        assert env[row["addr_env"]]["value"] == address(row)


def test_replicated_services_run_two_pods_behind_a_headless_service(rendered):
    """A ClusterIP Service would pin each gRPC connection to one pod; a headless one lets the
    dns:/// addresses above resolve every ready pod, and round robin spread the calls."""
    deployments = of_kind(rendered, "Deployment")
    for row in SERVICES:
        spec = deployments[row["name"]]["spec"]
        service = of_kind(rendered, "Service")[row["name"]]["spec"]
        if row["replicated"]:
            assert spec["replicas"] == 2 and spec["strategy"]["type"] == "RollingUpdate", row["name"]
            assert service.get("clusterIP") == "None", row["name"]
        else:
            assert spec["replicas"] == 1 and spec["strategy"]["type"] == "Recreate", row["name"]
            assert "clusterIP" not in service, row["name"]
    assert deployments["gateway"]["spec"]["replicas"] == 2
    assert any(row["replicated"] for row in SERVICES)


def test_nats_has_a_deployment_and_service_and_every_process_that_reads_it_gets_its_url(rendered):
    config = of_kind(rendered, "ConfigMap")["fleetgate-config"]["data"]
    host, port = re.fullmatch(r"nats://([a-z-]+):(\d+)", config["NATS_URL"]).groups()
    service = of_kind(rendered, "Service")[host]["spec"]
    nats = container(of_kind(rendered, "Deployment")[host])
    ports = {p["name"]: p["containerPort"] for p in nats["ports"]}
    assert [p["port"] for p in service["ports"]] == [int(port)] == [ports["client"]]
    assert re.fullmatch(r"nats:2\.\d+\.\d+-alpine", nats["image"]), nats["image"]
    assert f"--port {port}" in " ".join(nats["args"])
    readers = [name for name, deployment in ours(rendered).items()
               if "NATS_URL" in variables_read(binary_of(deployment))]
    assert {"gateway", "user", "device-session"} <= set(readers)
    for name in readers:
        given = env_of(container(ours(rendered)[name]))["NATS_URL"]
        assert given["valueFrom"]["configMapKeyRef"]["key"] == "NATS_URL", name


def test_config_and_secret_references_resolve_and_every_key_is_used(rendered):
    config = of_kind(rendered, "ConfigMap")["fleetgate-config"]["data"]
    secret = of_kind(rendered, "Secret")["fleetgate-secrets"]["stringData"]
    used = {"configMapKeyRef": set(), "secretKeyRef": set()}
    workloads = of_kind(rendered, "Deployment") | of_kind(rendered, "StatefulSet")
    for name, workload in workloads.items():
        for e in container(workload).get("env", []):
            for ref, keys in (("configMapKeyRef", config), ("secretKeyRef", secret)):
                if ref in e.get("valueFrom", {}):
                    source = e["valueFrom"][ref]
                    assert source["key"] in keys, (name, source)
                    used[ref].add(source["key"])
    assert used["configMapKeyRef"] == set(config) and used["secretKeyRef"] == set(secret)


def test_the_secret_holds_placeholders_the_readme_says_to_replace(rendered):
    secret = of_kind(rendered, "Secret")["fleetgate-secrets"]["stringData"]
    assert set(secret) == {"ADMIN_PASSWORD", "DB_PASSWORD"}
    assert all(v.startswith("REPLACE-ME") for v in secret.values())
    readme = (ROOT / "README.md").read_text()
    assert "REPLACE-ME" in readme and "fleetgate-secrets" in readme


def test_mariadb_keeps_its_data_on_a_claim_and_creates_every_database(rendered):
    db = of_kind(rendered, "StatefulSet")["mariadb"]
    claims = {t["metadata"]["name"] for t in db["spec"]["volumeClaimTemplates"]}
    mounts = {m["mountPath"]: m["name"] for m in container(db)["volumeMounts"]}
    assert mounts["/var/lib/mysql"] in claims
    initdb = of_kind(rendered, "ConfigMap")["mariadb-initdb"]["data"]["01-databases.sql"]
    assert sorted(re.findall(r"CREATE DATABASE IF NOT EXISTS `(\w+)`", initdb)) == \
        sorted(s["database"] for s in SERVICES)
    config = of_kind(rendered, "ConfigMap")["fleetgate-config"]["data"]
    service = of_kind(rendered, "Service")[config["DB_HOST"]]
    assert str(service["spec"]["ports"][0]["port"]) == config["DB_PORT"]
    root_password = env_of(container(db))["MARIADB_ROOT_PASSWORD"]["valueFrom"]["secretKeyRef"]
    assert config["DB_USER"] == "root" and root_password["key"] == "DB_PASSWORD"


def test_the_gateway_scales_on_cpu_within_bounds(rendered):
    hpa = of_kind(rendered, "HorizontalPodAutoscaler")["gateway"]["spec"]
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "gateway"}
    assert 1 <= hpa["minReplicas"] <= hpa["maxReplicas"]
    assert hpa["metrics"][0]["resource"]["name"] == "cpu"
    assert "cpu" in container(of_kind(rendered, "Deployment")["gateway"])["resources"]["requests"]


def test_fg_install_installs_kubectl_only_when_none_is_on_path(tmp_path):
    """fg_missing_packages asks for Debian's kubernetes-client exactly when `kubectl` is absent."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("dpkg-query", "grep"):
        (bin_dir / tool).symlink_to(shutil.which(tool))

    def missing() -> list[str]:
        done = subprocess.run(
            ["bash", "-c", f"source deploy/dev/lib.sh; PATH={bin_dir}; fg_missing_packages"],
            cwd=ROOT, capture_output=True, text=True, timeout=60,
            env={**os.environ, "PATH": os.environ["PATH"]})
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    assert "kubernetes-client" in missing()
    fake = bin_dir / "kubectl"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    assert "kubernetes-client" not in missing()
