"""Run a function once a module has been imported, without importing it (a post-import hook).

``when_imported("botocore.handlers", install)`` calls ``install(module)`` at once if the module is
loaded already, else right after its code has run, the first time anything imports it. Until then a
finder at the front of ``sys.meta_path`` looks at each name imported (a string comparison) and,
for that one module, finds it with the finders after it and wraps its loader. The module keeps its
own loader: once imported, nothing of the hook is left in it or in ``sys.meta_path``.
"""

from __future__ import annotations

import importlib.abc
import sys
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from importlib.machinery import ModuleSpec
    from types import ModuleType

_lock = threading.Lock()


def when_imported(name: str, callback: Callable[[ModuleType], None]) -> None:
    """Call ``callback(module)`` now if ``name`` is imported, else once it is (once only)."""
    with _lock:
        module = sys.modules.get(name)
        if module is None:
            # Not imported yet (a module being imported right now is in sys.modules already).
            sys.meta_path.insert(0, _Finder(name, callback))
            return
    callback(module)


def forget(name: str) -> None:
    """Drop the hooks still waiting for ``name``: they will not run."""
    with _lock:
        sys.meta_path[:] = [
            finder
            for finder in sys.meta_path
            if not (isinstance(finder, _Finder) and finder.name == name)
        ]


def pending(name: str) -> bool:
    """Whether a hook still waits for ``name`` to be imported."""
    return any(isinstance(finder, _Finder) and finder.name == name for finder in sys.meta_path)


class _Finder(importlib.abc.MetaPathFinder):
    def __init__(self, name: str, callback: Callable[[ModuleType], None]) -> None:
        self.name = name
        self._callback = callback

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname != self.name:
            return None
        for finder in list(sys.meta_path):
            find_spec = getattr(finder, "find_spec", None)
            if finder is self or find_spec is None:
                continue
            spec: ModuleSpec | None = find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        if spec.loader is not None and hasattr(spec.loader, "exec_module"):
            # Every loader of the standard library has exec_module; one without it gets no hook
            # (the caller must check with ``pending`` later).
            spec.loader = _Loader(spec.loader, self)
        return spec

    def run(self, module: ModuleType) -> None:
        with _lock:
            if self not in sys.meta_path:
                return
            sys.meta_path.remove(self)
        self._callback(module)


class _Loader(importlib.abc.Loader):
    """The module's own loader, calling the hook back once the module's code has run."""

    def __init__(self, loader: importlib.abc.Loader, finder: _Finder) -> None:
        self._loader = loader
        self._finder = finder

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        module.__loader__ = self._loader
        if module.__spec__ is not None:
            module.__spec__.loader = self._loader
        self._loader.exec_module(module)
        self._finder.run(module)
