"""ParcelDesk as an operator meets it: a wheel that works outside a checkout, the
`parceldesk` command, the documented settings, helpful first steps, test markers."""

import ast
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile

from config import BASE_DIR


def settings_in_config() -> set[str]:
    """Every environment variable config.py reads: the string first argument of a call
    (os.environ.get("X", …), _int("X", …), _bool("X", …), any helper added later)."""
    tree = ast.parse((BASE_DIR / "config.py").read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str) \
                    and re.fullmatch(r"[A-Z][A-Z0-9_]+", first.value):
                names.add(first.value)
    return names


def settings_in_readme() -> dict[str, str]:
    """The README's Settings table: `NAME` in the first column, the default in the second."""
    text = (BASE_DIR / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Settings", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 2:
            for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", cells[0]):
                rows[name] = cells[1]
    return rows


def test_readme_lists_every_setting_of_config_with_its_default():
    documented, read = settings_in_readme(), settings_in_config()
    assert len(read) > 30  # the parser still finds them
    assert sorted(read - set(documented)) == [], "settings missing from the README"
    assert sorted(set(documented) - read) == [], "README settings that config.py does not read"
    assert [n for n, default in documented.items() if not default] == [], "defaults missing"


def test_public_url_follows_host_and_port(monkeypatch):
    from config import load_config

    monkeypatch.delenv("PUBLIC_URL", raising=False)
    monkeypatch.setenv("HOST", "desk.example.cn")
    monkeypatch.setenv("PORT", "9090")
    assert load_config()["PUBLIC_URL"] == "http://desk.example.cn:9090"
    monkeypatch.setenv("PUBLIC_URL", "https://desk.example.cn")
    assert load_config()["PUBLIC_URL"] == "https://desk.example.cn"


def test_seed_demo_on_an_uninitialised_database_prints_a_hint(tmp_path):
    from app import create_app
    from tests.conftest import app_settings

    fresh = create_app(app_settings(f"sqlite:///{tmp_path}/empty.db", str(tmp_path / "i")))
    result = fresh.test_cli_runner().invoke(args=["seed", "demo", "--complaints", "1"])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output.strip().splitlines() == [
        "Error: The database is not initialised: run `flask --app run init` "
        "(or `parceldesk init`) first."]


def test_markers_select_browser_and_postgres_tests():
    def collected(marker):
        out = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                              "-m", marker, "-p", "no:randomly"], cwd=BASE_DIR,
                             capture_output=True, text=True, timeout=120).stdout
        return [line for line in out.splitlines() if "::" in line]

    browser = collected("browser")
    assert browser and all(t.startswith("tests/browser/") for t in browser)
    postgres = collected("postgres")
    assert postgres and all("[postgresql" in t for t in postgres)


def test_wheel_installs_and_runs_outside_a_checkout(tmp_path):
    source, dist = tmp_path / "source", tmp_path / "dist"
    # a clean copy: an in-tree build would reuse (and leave) build/ in the checkout
    shutil.copytree(BASE_DIR, source, ignore=shutil.ignore_patterns(
        ".venv", ".git", "build", "instance", "*.egg-info", "__pycache__", "node_modules"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist),
                    str(source)], check=True, capture_output=True, timeout=300)
    wheel = next(dist.glob("parceldesk-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/", 1)[0] for n in names if not n.split("/", 1)[0].endswith(".dist-info")}
    assert top == {"app", "seed"}  # no top-level config or run module
    assert "app/bundled/config.py" in names and "app/bundled/migrations/env.py" in names
    assert "app/bundled/migrations/alembic.ini" in names
    assert any(n.startswith("app/bundled/migrations/versions/") for n in names)
    assert "app/bundled/rules/routing.json" in names and "app/bundled/rules/teams.json" in names
    assert "app/templates/work_queue.html" in names
    assert "app/translations/zh/LC_MESSAGES/messages.mo" in names

    # a fresh virtualenv with only the wheel; its dependencies come from this one
    target = tmp_path / "venv"
    venv.create(target, with_pip=False)
    site = next((target / "lib").glob("python3*/site-packages"))
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(target / "bin" / "python"),
                    "install", "--no-deps", "-q", str(wheel)], check=True, capture_output=True,
                   timeout=300)
    work = tmp_path / "operator"
    work.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "INSTANCE_PATH", "PYTHONPATH"}}
    env.update(ADMIN_PASSWORD="secret-pass", LOAD_DEMO_DATA="false", PYTHONNOUSERSITE="1")
    command = str(target / "bin" / "parceldesk")
    where = subprocess.run([str(target / "bin" / "python"), "-c",
                            "import app, app.shipped as s; print(app.__file__, s.INSTALLED)"],
                           cwd=work, env=env, capture_output=True, text=True, timeout=60)
    assert str(site) in where.stdout and "True" in where.stdout, where.stdout + where.stderr
    init = subprocess.run([command, "init"], cwd=work, env=env, capture_output=True, text=True,
                          timeout=180)
    assert init.returncode == 0, init.stdout + init.stderr
    assert "Published the default rule sets" in init.stdout
    assert (work / "instance" / "parceldesk.db").exists()  # beside the operator
    rules = subprocess.run([command, "rules", "validate", str(site / "app/bundled/rules")],
                           cwd=work, env=env, capture_output=True, text=True, timeout=120)
    assert rules.returncode == 0 and "valid" in rules.stdout, rules.stdout + rules.stderr
    jobs = subprocess.run([command, "jobs", "run", "outbox"], cwd=work, env=env,
                          capture_output=True, text=True, timeout=120)
    assert jobs.returncode == 0 and "outbox: ok" in jobs.stdout, jobs.stdout + jobs.stderr
    assert "serve" in subprocess.run([command, "--help"], cwd=work, env=env, capture_output=True,
                                     text=True, timeout=60).stdout
