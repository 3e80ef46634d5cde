"""A serializer's output computed from `.values()` rows, for the API's hot reads.

DRF builds a model instance per row, then walks every field through `get_attribute` and
`to_representation`, a cost per dossier that dominated the list (docs/benchmarks.md). Here the
serializer class stays the single source of the fields (their names, order, sources and
formats, and of the OpenAPI schema); its bound fields are read once per class into a list of
(key, column, converter). A row then costs one dict lookup per field, the field's own
`to_representation` where it changes the value (datetimes, dates, decimals…), and nothing where
DRF would return the value unchanged (a str through a CharField, an int through an
IntegerField). None stays None, as in DRF.

A source that is not a column (a model property, such as Dossier.display_number) is read from
a bare instance holding the row's columns: the property must only use selected columns (a
missing one raises instead of querying).
"""

from __future__ import annotations

import functools

from django.core.exceptions import FieldDoesNotExist
from rest_framework import serializers


class _Never:
    """No value has this type: the field's converter is always called."""


# DRF fields whose to_representation returns a value of this type unchanged.
_PLAIN = {
    serializers.CharField: str,
    serializers.IntegerField: int,
    serializers.BooleanField: bool,
}


class Rows:
    """What `serializer_class(instance).data` gives, from a `.values(*rows.columns)` row."""

    def __init__(self, serializer_class):
        self.serializer = serializer_class()  # keeps the fields bound (field.parent)
        model = self.serializer.Meta.model
        self.items = []  # (key, column or None, to_representation or None, plain type)
        self.computed = []  # (key, field) read from a bare instance
        columns = []
        for field in self.serializer._readable_fields:
            column = _column(model, field.source_attrs)
            if column is None:
                self.computed.append((field.field_name, field))
                self.items.append((field.field_name, None, None, None))
                continue
            columns.append(column)
            convert, plain = _converter(field)
            self.items.append((field.field_name, column, convert, plain))
        self.model = model
        self.columns = tuple(dict.fromkeys(columns))

    def one(self, row: dict) -> dict:
        """One row as the serializer would give it, without building a model instance."""
        computed = self._computed(row) if self.computed else {}
        out = {}
        for key, column, convert, plain in self.items:
            if column is None:
                out[key] = computed[key]
                continue
            value = row[column]
            if value is None or convert is None or type(value) is plain:
                out[key] = value
            else:
                out[key] = convert(value)
        return out

    def many(self, rows) -> list[dict]:
        """Every row through `one`: a page of the API's list endpoints."""
        one = self.one
        return [one(row) for row in rows]

    def _computed(self, row: dict) -> dict:
        instance = self.model.__new__(self.model)
        instance.__dict__.update(row)
        # A column not selected would be reloaded (refresh_from_db) on a bare instance: refused
        # here with a clear message instead.
        instance.__dict__["refresh_from_db"] = _not_selected
        out = {}
        for key, field in self.computed:
            value = field.get_attribute(instance)
            out[key] = None if value is None else field.to_representation(value)
        return out


def _not_selected(*args, fields=None, **kwargs):
    raise AttributeError(f"not selected for the row: {fields} (api.representation)")


@functools.cache
def rows_for(serializer_class) -> Rows:
    """The row representation of a serializer class, where the API's list and detail views start."""
    return Rows(serializer_class)


def _column(model, source_attrs) -> str | None:
    """The `.values()` lookup of a source (`commune.insee_code` → `commune__insee_code`), or
    None when it is not a column (a property, a method, a related object)."""
    opts = model._meta
    for position, attr in enumerate(source_attrs):
        try:
            model_field = opts.get_field(attr)
        except FieldDoesNotExist:
            return None
        last = position == len(source_attrs) - 1
        if model_field.is_relation:
            if last and attr == getattr(model_field, "attname", None) != model_field.name:
                return "__".join(source_attrs)  # `parent_id`: the key itself
            if last or not (model_field.many_to_one or model_field.one_to_one):
                return None  # an object or a list: DRF's path
            opts = model_field.related_model._meta
        elif not last or not model_field.concrete:
            return None
    return "__".join(source_attrs)


def _converter(field):
    """(to_representation, the type it returns unchanged); (None, None) when it returns
    every value unchanged."""
    if isinstance(field, serializers.JSONField) and not field.binary:
        return None, None
    if isinstance(field, serializers.ChoiceField) and type(field) is serializers.ChoiceField:
        keys = field.choice_strings_to_values.values()
        return field.to_representation, str if all(type(k) is str for k in keys) else _Never
    return field.to_representation, _PLAIN.get(type(field), _Never)
