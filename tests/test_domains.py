"""Every domain declares itself once, and the composition roots see exactly what it declares."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from backend.domains import DOMAIN_PACKAGES, Domain, all_domains, periodic_tasks
from backend.graphql_api.parts import compose
from backend.settings import Settings
from backend.worker.celery_app import create_celery

ROOT = Path(__file__).resolve().parents[1]


def _domain_folders() -> list[Path]:
    """Packages that hold a domain's pieces: backend/<room>/ and notifications/."""
    rooms = [path for path in (ROOT / "backend").iterdir() if (path / "__init__.py").exists()]
    return [*rooms, ROOT / "notifications"]


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def test_every_model_and_task_module_is_declared() -> None:
    declared_models = {module for domain in all_domains() for module in domain.models}
    declared_tasks = {module for domain in all_domains() for module in domain.tasks}
    # A domain may split a large topic into a subpackage with its own models and tasks.
    found_models = {
        _module_name(path) for folder in _domain_folders() for path in folder.rglob("models.py")
    }
    found_tasks = {
        _module_name(path) for folder in _domain_folders() for path in folder.rglob("tasks.py")
    }
    assert found_models == declared_models
    assert found_tasks == declared_tasks


def test_every_package_with_a_declaration_is_listed() -> None:
    with_declaration = {
        _module_name(folder) for folder in _domain_folders() if (folder / "domain.py").exists()
    }
    assert with_declaration == set(DOMAIN_PACKAGES)


def test_the_worker_knows_every_declared_task_and_schedule(tmp_path: Path) -> None:
    app = create_celery(Settings(CITIZEN_VAR_DIR=tmp_path))
    app.loader.import_default_modules()
    for domain in all_domains():
        for module in domain.tasks:
            importlib.import_module(module)
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert scheduled == {entry.task for entry in periodic_tasks().values()}
    assert scheduled <= set(app.tasks)


def test_a_periodic_entry_declared_by_two_domains_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    twice = (*all_domains(), Domain(name="copy", periodic=dict(all_domains()[0].periodic)))
    monkeypatch.setattr("backend.domains.all_domains", lambda: twice)
    with pytest.raises(ValueError, match="declared twice"):
        periodic_tasks()


def test_a_field_two_domains_define_fails_at_start_up() -> None:
    import strawberry

    @strawberry.type
    class One:
        @strawberry.field
        def weather(self) -> str:
            return "nắng"

    @strawberry.type
    class Other:
        @strawberry.field
        def weather(self) -> str:
            return "mưa"

    with pytest.raises(TypeError, match=r"Query\.weather is defined by both"):
        compose("Query", [One, Other])
