"""Where the settings module and the shipped files are found: a checkout or a wheel.

In a checkout they are the top-level `config.py`, `migrations/` and `rules/`. A built
wheel has no top-level modules of its own: it carries copies of them in `app/bundled/`
(made by scripts/build_hooks.py), found here with importlib.resources.
"""

import sys
from importlib import resources
from pathlib import Path

try:  # an installed wheel
    from app.bundled import config as _config
except ImportError:  # a checkout: config.py beside app/ (also when run from elsewhere)
    _checkout = str(Path(__file__).resolve().parents[1])
    if _checkout not in sys.path:
        sys.path.append(_checkout)
    import config as _config

ConfigError = _config.ConfigError
load_config = _config.load_config
random_password = _config.random_password
INSTALLED = _config.__name__ != "config"


def _root() -> Path:
    if INSTALLED:
        return Path(str(resources.files("app.bundled")))
    return Path(_config.BASE_DIR)


MIGRATIONS_DIR = _root() / "migrations"
RULES_DIR = _root() / "rules"
