"""JSON kept as text, so that key order survives the database.

PostgreSQL's jsonb sorts object keys; a plan's ``declared`` and ``source`` must come back
in the order they were imported, or ``plan export`` would not reproduce the import.
"""
import json

from django.db import models


class OrderedJSONField(models.TextField):
    def from_db_value(self, value, expression, connection):
        return None if value is None else json.loads(value)

    def to_python(self, value):
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                return value
        return value

    def get_prep_value(self, value):
        return None if value is None else json.dumps(value, ensure_ascii=False)

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))
