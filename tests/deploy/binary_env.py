"""The environment variables each Fleetgate binary reads, found in its C++ sources.

docker-compose.yml, deploy/k8s and the README's configuration table may give or name a variable
only if the binary reads it; tests/deploy checks all three against `variables_read`.

A binary reads:
- what its own sources read (services/<name>/ for a service, gateway/src/ for the gateway):
  `config::require|get_or|get_int|get_double|get_bool("NAME", ...)` and `getenv("NAME")`;
- what the library functions it calls read (LIBRARY_READERS: a call of the function pulls in the
  reads of the library files listed for it, e.g. HostSettings::from_env reads WORKER_THREADS and,
  through db::Config::from_env, DB_*).

Names that are not literals are resolved by the two rules the sources use (the port variable a
main passes to HostSettings::from_env, the gateway's addr_env of every listed service); any other
non-literal name, or a library file that reads the environment but is in no LIBRARY_READERS entry,
raises SourceError, so a new kind of read fails the tests instead of going unseen."""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from services_list import read_services  # noqa: E402

GATEWAY = "fleetgate-gateway"
# The implementation of fleet::config reads whatever name it is given.
CONFIG_IMPLEMENTATION = "libs/common/src/config.cpp"
# A call matching the pattern (in a binary's own sources) means the binary runs these files' reads.
LIBRARY_READERS: list[tuple[str, list[str]]] = [
    (r"\bservice_main\s*\(|\blog::init\s*\(", ["libs/common/src/logging.cpp"]),
    (r"\bclock_from_env\s*\(", ["libs/common/src/clock.cpp"]),
    (r"\bHostSettings::from_env\s*\(", ["libs/service/src/host.cpp", "libs/db/src/config.cpp"]),
    (r"\bdb::Config::from_env\s*\(", ["libs/db/src/config.cpp"]),
    (r"\bbus::Settings::from_env\s*\(", ["libs/bus/src/settings.cpp"]),
]
LIBRARY_DIRS = ["libs"]

_READ = re.compile(
    r"\b(?:config::(?P<fn>require|get_or|get_int|get_double|get_bool)|(?:std::)?getenv)"
    r"\s*\(\s*(?P<arg>[^,)]*)")
_LITERAL = re.compile(r'"([A-Za-z_][A-Za-z0-9_]*)"')
_CPP = {".cpp", ".h", ".hpp", ".cc"}


class SourceError(ValueError):
    """A read the extraction cannot name."""


@dataclass
class Variable:
    name: str
    required: bool = False           # read with config::require: the binary fails without it
    where: list[str] = field(default_factory=list)  # file:line of each read


def _sources(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.suffix in _CPP and p.is_file())


def _strip_comments(text: str) -> str:
    """Comments out, line numbers kept (a comment mentioning getenv("X") is no read)."""
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def _reads(path: Path, dynamic) -> list[tuple[str, bool, str]]:
    """(name, required, file:line) of every read in `path`; `dynamic(expression, text)` names
    the variables a non-literal argument stands for, or returns None."""
    text = _strip_comments(path.read_text(encoding="utf-8"))
    rel = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
    found = []
    for match in _READ.finditer(text):
        where = f"{rel}:{text.count(chr(10), 0, match.start()) + 1}"
        required = match.group("fn") == "require"
        argument = match.group("arg").strip()
        literal = _LITERAL.fullmatch(argument)
        names = [literal.group(1)] if literal else dynamic(argument, text)
        if names is None:
            raise SourceError(f"{where}: cannot name the variable read by {argument!r}; "
                              "teach tests/deploy/binary_env.py this kind of read")
        found += [(name, required, where) for name in names]
    return found


def _library_files_that_read() -> set[str]:
    files = set()
    for directory in LIBRARY_DIRS:
        for path in _sources(ROOT / directory):
            rel = path.relative_to(ROOT).as_posix()
            if rel != CONFIG_IMPLEMENTATION and _READ.search(_strip_comments(path.read_text())):
                files.add(rel)
    return files


def _own_directory(binary: str) -> Path:
    if binary == GATEWAY:
        return ROOT / "gateway" / "src"
    for row in read_services():
        if row["binary"] == binary:
            return ROOT / "services" / row["name"]
    raise KeyError(f"{binary} is neither the gateway nor a service of services/services.tsv")


def binaries() -> list[str]:
    """Every binary that reads configuration: the services in list order, then the gateway."""
    return [row["binary"] for row in read_services()] + [GATEWAY]


def variables_read(binary: str) -> dict[str, Variable]:
    """The variables `binary` reads, by name."""
    covered = {f for _, files in LIBRARY_READERS for f in files}
    unlisted = _library_files_that_read() - covered - {CONFIG_IMPLEMENTATION}
    if unlisted:
        raise SourceError(f"{sorted(unlisted)} read the environment but no LIBRARY_READERS "
                          "entry says which calls reach them (tests/deploy/binary_env.py)")

    own_files = _sources(_own_directory(binary))
    own_text = "\n".join(_strip_comments(p.read_text()) for p in own_files)
    # The port variable each main passes: HostSettings::from_env("name", "PORT_VAR", ...).
    port_variables = re.findall(r'HostSettings::from_env\(\s*"[^"]*",\s*"([A-Z0-9_]+)"', own_text)
    addr_envs = [row["addr_env"] for row in read_services()]

    def dynamic(argument: str, text: str) -> list[str] | None:
        if argument == "port_variable" and port_variables:
            return port_variables
        if "addr_env" in argument and "kServices" in text:  # the gateway's channel per service
            return addr_envs
        return None

    files = list(own_files)
    for pattern, library_files in LIBRARY_READERS:
        if re.search(pattern, own_text):
            files += [ROOT / f for f in library_files if ROOT / f not in files]
    variables: dict[str, Variable] = {}
    for path in files:
        for name, required, where in _reads(path, dynamic):
            variable = variables.setdefault(name, Variable(name))
            variable.required |= required
            variable.where.append(where)
    return variables


if __name__ == "__main__":  # python3 tests/deploy/binary_env.py: the table, for a quick look
    for b in binaries():
        found = variables_read(b)
        print(b + ": " + " ".join(n + ("*" if v.required else "") for n, v in sorted(found.items())))
