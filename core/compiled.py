"""SQL compiled once from an ORM query, then run again with other values.

Building and compiling a query costs Django about as much CPU as PostgreSQL spends running a
small one. For the statements every request runs — its session, its user, a system's token,
the dossier page's rows — the SQL is taken from the ORM once per process and executed with
`raw()`, which returns the same model instances (routed like any read). Kept because it earns
its keep: docs/benchmarks.md, "Plain Django or a device" (issue 21).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Compiled:
    """`Compiled(lambda key: Session.objects.filter(session_key=key), key="marker")`, then
    `.raw(key=…)`. Each marker stands for one parameter: a value of the column's type that no
    other parameter of the query has, so its place in the compiled SQL can be found."""

    def __init__(self, build: Callable[..., Any], **markers):
        self._build = build
        self._markers = markers
        self._compiled: tuple | None = None

    def _compile(self) -> tuple:
        queryset = self._build(**self._markers)
        sql, params = queryset.query.sql_with_params()
        names = []
        for param in params:
            found = [name for name, marker in self._markers.items() if marker == param]
            if len(found) != 1:
                raise RuntimeError(f"parameter {param!r} is not exactly one marker")
            names.append(found[0])
        if set(names) != set(self._markers):
            raise RuntimeError("a marker is not a parameter of the compiled query")
        return queryset.model, sql, names

    def raw(self, **values):
        if self._compiled is None:
            self._compiled = self._compile()
        model, sql, names = self._compiled
        return model._default_manager.raw(sql, [values[name] for name in names])

    def first(self, **values):
        return next(iter(self.raw(**values)), None)


# An integer key no row has: the marker of a primary or foreign key parameter.
KEY_MARKER = -7919
