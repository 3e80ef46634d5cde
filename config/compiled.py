"""SQL compiled once from an ORM query, then run again with other values.

Building and compiling a query costs Django about as much CPU as PostgreSQL spends running a
small one (bench/load: ~0.5 ms each). For the statements every request runs — its session,
its user, a system's token — the SQL is taken from the ORM once per process and executed with
`raw()`, which returns the same model instances (routed like any read). `child_rows` and
`prefetch_child_rows` read one instance's reverse foreign keys the same way, for the pages that
show a dossier with its rows.
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
_CHILDREN: dict[tuple[type, str], tuple[Any, Compiled]] = {}


def _children_statement(model: type, name: str) -> tuple[Any, Compiled]:
    key = (model, name)
    if key not in _CHILDREN:
        field = getattr(model, name).rel.field  # the child's foreign key (a reverse descriptor)
        rows = field.model._default_manager  # what the related manager is built on
        _CHILDREN[key] = (
            field,
            Compiled(lambda parent: rows.filter(**{field.attname: parent}), parent=KEY_MARKER),
        )
    return _CHILDREN[key]


def child_rows(instance, name: str) -> list:
    """`list(instance.<name>.all())` for a reverse foreign key: the prefetched rows if there
    are, else one statement compiled once per process. Each row knows its parent."""
    prefetched = getattr(instance, "_prefetched_objects_cache", {})
    field, compiled = _children_statement(type(instance), name)
    if field.remote_field.cache_name in prefetched:
        return list(prefetched[field.remote_field.cache_name])
    rows = list(compiled.raw(parent=instance.pk))
    for row in rows:
        field.set_cached_value(row, instance)
    return rows


def prefetch_child_rows(instance, *names: str) -> None:
    """`prefetch_related_objects([instance], *names)` for reverse foreign keys of one instance:
    `instance.<name>.all()` then reads no row, and `.filter()` on it still queries."""
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    for name in names:
        field, _ = _children_statement(type(instance), name)
        if field.remote_field.cache_name in instance._prefetched_objects_cache:
            continue
        rows = child_rows(instance, name)
        queryset = getattr(instance, name).get_queryset()  # filtered, not run
        queryset._result_cache, queryset._prefetch_done = rows, True
        instance._prefetched_objects_cache[field.remote_field.cache_name] = queryset
