"""The wheel's build step: copy config.py, migrations/ and rules/ into app/bundled/.

The repository keeps them at the top level (`flask --app run …` works from a checkout);
an installed package must not add top-level modules named `config` or `run`, so the
wheel carries them inside the package instead (located by app/shipped.py).
"""

import shutil
from pathlib import Path

from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parents[1]
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc")


class BuildPy(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout itself
        target = Path(self.build_lib) / "app" / "bundled"
        target.mkdir(parents=True, exist_ok=True)
        (target / "__init__.py").write_text(
            '"""Copies of config.py, migrations/ and rules/, made when the wheel was built."""\n')
        shutil.copy2(ROOT / "config.py", target / "config.py")
        for folder in ("migrations", "rules"):
            shutil.copytree(ROOT / folder, target / folder, ignore=IGNORE, dirs_exist_ok=True)
